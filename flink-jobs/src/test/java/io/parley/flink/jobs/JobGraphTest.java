package io.parley.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.flink.ParleyConfig;
import io.parley.flink.pulsar.PulsarConnectors;
import java.util.List;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every production job builds offline into a serializable job graph with named, uid'd operators.
 */
class JobGraphTest {

    @ParameterizedTest
    @EnumSource(ParleyJob.class)
    void shouldBuildAJobGraphWithNamedStableOperators(ParleyJob job) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, ParleyConfig.defaults().withParallelism(2));
        job.define(env, ParleyConfig.defaults());

        StreamGraph graph = env.getStreamGraph();
        for (StreamNode node : graph.getStreamNodes()) {
            assertThat(node.getTransformationUID()).as(node.getOperatorName()).isNotBlank();
        }
        JobGraph jobGraph = graph.getJobGraph();
        List<String> names =
                java.util.stream.StreamSupport.stream(jobGraph.getVertices().spliterator(), false)
                        .map(JobVertex::getName)
                        .toList();
        assertThat(names).isNotEmpty();
        assertThat(jobGraph.getCheckpointingSettings()).isNotNull();
        // sources read one non-partitioned topic at parallelism 1 (see PulsarConnectors); the rest
        // runs at the configured parallelism
        for (StreamNode node : graph.getStreamNodes()) {
            boolean readsPulsar =
                    graph.getSourceIDs().contains(node.getId())
                            || node.getOperatorName().contains("watermarks");
            assertThat(node.getParallelism())
                    .as(node.getOperatorName())
                    .isEqualTo(readsPulsar ? PulsarConnectors.SOURCE_PARALLELISM : 2);
        }
    }

    @Test
    void shouldHandTheSearchWriterEachRoomsEntriesInLogOrder() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, ParleyConfig.defaults().withParallelism(2));
        ParleyJob.SEARCH.define(env, ParleyConfig.defaults());
        StreamGraph graph = env.getStreamGraph();

        StreamNode operations =
                graph.getStreamNodes().stream()
                        .filter(n -> n.getOperatorName().equals("search operations"))
                        .findFirst()
                        .orElseThrow();
        // keyed by room straight from the (single) source: one channel per room, in log order
        StreamEdge in = operations.getInEdges().get(0);
        assertThat(graph.getSourceIDs()).contains(in.getSourceId());
        assertThat(in.getPartitioner()).isInstanceOf(KeyGroupStreamPartitioner.class);
        // and forwarded as they come to the writer
        assertThat(operations.getOutEdges())
                .singleElement()
                .satisfies(
                        out -> {
                            assertThat(out.getPartitioner()).isInstanceOf(ForwardPartitioner.class);
                            assertThat(graph.getStreamNode(out.getTargetId()).getOperatorName())
                                    .contains("Elasticsearch messages");
                        });
    }

    @Test
    void shouldHandTheUserProjectionEachUsersEntriesInLogOrder() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, ParleyConfig.defaults().withParallelism(2));
        ParleyJob.USERS.define(env, ParleyConfig.defaults());
        StreamGraph graph = env.getStreamGraph();

        StreamNode writes =
                graph.getStreamNodes().stream()
                        .filter(n -> n.getOperatorName().equals("user projection writes"))
                        .findFirst()
                        .orElseThrow();
        // keyed by user straight from the (single) source: one channel per user, in log order
        StreamEdge in = writes.getInEdges().get(0);
        assertThat(graph.getSourceIDs()).contains(in.getSourceId());
        assertThat(in.getPartitioner()).isInstanceOf(KeyGroupStreamPartitioner.class);
        // every sink gets the writes of a user from the subtask that decided them
        assertThat(writes.getOutEdges())
                .hasSize(8)
                .allSatisfy(
                        out ->
                                assertThat(out.getPartitioner())
                                        .isInstanceOf(ForwardPartitioner.class));
    }
}

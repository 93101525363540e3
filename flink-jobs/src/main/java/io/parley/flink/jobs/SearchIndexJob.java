package io.parley.flink.jobs;

import io.parley.flink.ParleyConfig;
import io.parley.flink.functions.SearchOperations;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.records.MessageRow;
import io.parley.flink.records.SearchOp;
import io.parley.flink.sinks.ElasticsearchBulkSink;
import io.parley.schemas.topics.Topics;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Search indexing: {@code events/messages -> Elasticsearch messages}, doc id {@code room_id:seq}
 * ({@link SearchOperations}): a message is indexed (replays leave one identical document), an edit
 * updates its target's body, a deletion deletes its target; other events are not indexed. The sink
 * creates the index from {@code infra/elasticsearch/messages-index.json} when it is missing, so
 * deleting the index and replaying rebuilds it.
 *
 * <p>Order matters here (an update before its index op, or a message indexed after its deletion,
 * would leave the wrong document): the entries are keyed by room straight after the source, so one
 * room's entries reach one subtask in log order over one channel, and that subtask's writer keeps
 * it.
 */
public final class SearchIndexJob {
    public static final String NAME = "Parley: search indexing";

    private final Source<MessageRow, ?, ?> source;
    private final Sink<SearchOp> sink;

    public SearchIndexJob(Source<MessageRow, ?, ?> source, Sink<SearchOp> sink) {
        this.source = source;
        this.sink = sink;
    }

    public static SearchIndexJob production(ParleyConfig config, String subscription) {
        return new SearchIndexJob(
                PulsarConnectors.source(
                        config, Topics.MESSAGES.name(), subscription, PersistenceJob.messageRows()),
                new ElasticsearchBulkSink(
                        config.esUrl(), config.esBulkActions(), config.esFlushInterval()));
    }

    public void build(StreamExecutionEnvironment env) {
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "sequenced messages")
                .uid("messages-source")
                .setParallelism(PulsarConnectors.SOURCE_PARALLELISM)
                // straight after the source: each room's entries stay in log order (Javadoc)
                .keyBy(MessageRow::roomId)
                .flatMap(new SearchOperations())
                .name("search operations")
                .uid("search-operations")
                .sinkTo(sink)
                .name("Elasticsearch messages")
                .uid("elasticsearch-messages");
    }

    public static void main(String[] args) throws Exception {
        ParleyConfig config = ParleyConfig.fromEnv();
        StreamExecutionEnvironment env = JobEnvironment.create(config);
        production(config, ParleyJob.SEARCH.subscription()).build(env);
        env.execute(NAME);
    }
}

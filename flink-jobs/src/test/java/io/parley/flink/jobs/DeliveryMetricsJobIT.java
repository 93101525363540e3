package io.parley.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.datastax.driver.core.Row;
import io.parley.flink.pulsar.JsonEventDeserializer;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.records.MetricRow;
import io.parley.flink.sinks.CassandraUpsertSink;
import io.parley.schemas.events.DeliveryStat;
import io.parley.schemas.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeliveryMetricsJobIT extends ParleyITBase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = miniCluster();

    private static final List<String> METRICS =
            List.of(
                    MetricRow.SEND_TO_APPEND,
                    MetricRow.APPEND_TO_DELIVER,
                    MetricRow.FANOUT,
                    MetricRow.DROPPED,
                    MetricRow.QUEUED);

    private final String topic = testTopic(Topics.DELIVERY_STATS);
    // delivery_stats is shared: the test's windows lie in 2001, where no real delivery happened
    private final long windowStart =
            Instant.parse("2001-01-01T00:00:00Z").toEpochMilli()
                    + ThreadLocalRandom.current().nextLong(1_000_000) * 10_000;
    private final long windowEnd = windowStart + 10_000;

    @AfterEach
    void deleteRows() {
        for (String metric : METRICS) {
            cassandra.execute(
                    "DELETE FROM parley.delivery_stats WHERE metric = ? AND window_end IN (?, ?)",
                    metric,
                    windowEnd,
                    windowEnd + 10_000);
        }
    }

    private Row row(String metric, long end) {
        return cassandra
                .execute(
                        "SELECT count, p50, p95, p99, max FROM parley.delivery_stats"
                                + " WHERE metric = ? AND window_end = ?",
                        metric,
                        end)
                .one();
    }

    @Test
    void shouldStorePercentilesPerWindowOnceTheInputGoesQuiet() throws Exception {
        List<DeliveryStat> stats = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            long delivered = windowStart + i * 90L;
            long sequenced = delivered - 2L * i;
            stats.add(
                    new DeliveryStat(
                            "r",
                            i,
                            "gw1",
                            sequenced - i,
                            sequenced - i + 1,
                            sequenced,
                            delivered,
                            i % 10 + 1,
                            i % 2,
                            1));
        }
        stats.add(
                new DeliveryStat(
                        "r",
                        101,
                        "gw1",
                        windowEnd,
                        windowEnd,
                        windowEnd + 3,
                        windowEnd + 500,
                        1,
                        0,
                        0));
        produce(topic, Topics.DELIVERY_STATS, DeliveryStat::gatewayId, stats);

        run(
                DeliveryMetricsJob.NAME,
                env ->
                        new DeliveryMetricsJob(
                                        PulsarConnectors.source(
                                                CONFIG,
                                                topic,
                                                unique("parley-it-metrics"),
                                                JsonEventDeserializer.of(Topics.DELIVERY_STATS)),
                                        CassandraUpsertSink.metrics(
                                                CONFIG.cassandraHost(), CONFIG.cassandraPort()),
                                        CONFIG.metricsWindow(),
                                        CONFIG.metricsIdle())
                                .build(env));

        eventually(
                DEADLINE, () -> assertThat(row(MetricRow.QUEUED, windowEnd + 10_000)).isNotNull());
        Row sendToAppend = row(MetricRow.SEND_TO_APPEND, windowEnd);
        assertThat(sendToAppend.getLong("count")).isEqualTo(100);
        assertThat((double) sendToAppend.getLong("p50")).isCloseTo(50, within(1.0));
        assertThat((double) sendToAppend.getLong("p95")).isCloseTo(95, within(1.0));
        assertThat((double) sendToAppend.getLong("p99")).isCloseTo(99, within(1.0));
        assertThat(sendToAppend.getLong("max")).isEqualTo(100);
        Row appendToDeliver = row(MetricRow.APPEND_TO_DELIVER, windowEnd);
        assertThat((double) appendToDeliver.getLong("p99")).isCloseTo(198, within(1.0));
        assertThat(row(MetricRow.FANOUT, windowEnd).getLong("max")).isEqualTo(10);
        assertThat(row(MetricRow.DROPPED, windowEnd).getLong("count")).isEqualTo(50);
        assertThat(row(MetricRow.DROPPED, windowEnd).isNull("p50")).isTrue();
        assertThat(row(MetricRow.QUEUED, windowEnd).getLong("count")).isEqualTo(100);
        assertThat(row(MetricRow.APPEND_TO_DELIVER, windowEnd + 10_000).getLong("max"))
                .isEqualTo(497);
    }
}

package io.parley.flink.records;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricRowTest {

    @Test
    void shouldWriteOneRowPerMetricWithSumsInCount() {
        DeliverySummary summary =
                new DeliverySummary(
                        20_000,
                        new Percentiles(5, 10, 20, 30, 40),
                        new Percentiles(5, 1, 2, 3, 4),
                        new Percentiles(5, 2, 2, 8, 9),
                        3,
                        7);

        assertThat(MetricRow.of(summary))
                .containsExactly(
                        new MetricRow("send_to_append_ms", 20_000, 5, 10L, 20L, 30L, 40L),
                        new MetricRow("append_to_deliver_ms", 20_000, 5, 1L, 2L, 3L, 4L),
                        new MetricRow("fanout", 20_000, 5, 2L, 2L, 8L, 9L),
                        new MetricRow("dropped", 20_000, 3, null, null, null, null),
                        new MetricRow("queued", 20_000, 7, null, null, null, null));
    }
}

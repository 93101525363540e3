package io.parley.flink.records;

import java.util.List;

/**
 * One row of {@code delivery_stats}. Sums (dropped, queued) carry the sum in {@code count} and no
 * percentiles.
 */
public record MetricRow(
        String metric, long windowEnd, long count, Long p50, Long p95, Long p99, Long max) {

    public static final String SEND_TO_APPEND = "send_to_append_ms";
    public static final String APPEND_TO_DELIVER = "append_to_deliver_ms";
    public static final String FANOUT = "fanout";
    public static final String DROPPED = "dropped";
    public static final String QUEUED = "queued";

    /** The rows of one window summary. */
    public static List<MetricRow> of(DeliverySummary s) {
        return List.of(
                percentiles(SEND_TO_APPEND, s.windowEnd(), s.sendToAppend()),
                percentiles(APPEND_TO_DELIVER, s.windowEnd(), s.appendToDeliver()),
                percentiles(FANOUT, s.windowEnd(), s.fanout()),
                new MetricRow(DROPPED, s.windowEnd(), s.dropped(), null, null, null, null),
                new MetricRow(QUEUED, s.windowEnd(), s.queued(), null, null, null, null));
    }

    private static MetricRow percentiles(String metric, long windowEnd, Percentiles p) {
        return new MetricRow(metric, windowEnd, p.count(), p.p50(), p.p95(), p.p99(), p.max());
    }
}

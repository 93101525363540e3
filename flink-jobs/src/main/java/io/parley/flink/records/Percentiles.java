package io.parley.flink.records;

/** Count and percentiles of one measure in one window (0 when the window had no value). */
public record Percentiles(long count, long p50, long p95, long p99, long max) {

    public static final Percentiles EMPTY = new Percentiles(0, 0, 0, 0, 0);
}

package io.parley.crash;

import java.util.function.LongSupplier;

/** Milliseconds since the run started, monotonic: the one clock every recorded time is on. */
final class RunClock implements LongSupplier {
    private final long start = System.nanoTime();

    @Override
    public long getAsLong() {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** A run time as seconds, for the log. */
    static String seconds(long ms) {
        return String.format("%.1f s", ms / 1000.0);
    }
}

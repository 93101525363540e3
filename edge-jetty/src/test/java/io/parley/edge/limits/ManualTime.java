package io.parley.edge.limits;

import io.github.bucket4j.TimeMeter;

/** A clock the test moves by hand. */
final class ManualTime implements TimeMeter {
    private long nanos = 1_000_000_000L;

    void advanceMillis(long ms) {
        nanos += ms * 1_000_000L;
    }

    @Override
    public long currentTimeNanos() {
        return nanos;
    }

    @Override
    public boolean isWallClockBased() {
        return false;
    }
}

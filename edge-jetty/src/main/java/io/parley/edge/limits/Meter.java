package io.parley.edge.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/** One token bucket (Bucket4j): takes a cost, or says how long until it could. */
public final class Meter {
    private final Bucket bucket;
    private final long burst;

    public Meter(Limit limit, TimeMeter time) {
        this.burst = limit.burst();
        this.bucket =
                Bucket.builder()
                        .addLimit(
                                l ->
                                        l.capacity(limit.burst())
                                                .refillGreedy(
                                                        limit.perSecond(), Duration.ofSeconds(1)))
                        .withCustomTimePrecision(time)
                        .build();
    }

    /**
     * Takes {@code cost} tokens (at most the burst: a cost above it takes the whole burst) and
     * returns 0, or takes nothing and returns the milliseconds until it could (at least 1).
     */
    public long take(long cost) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(Math.min(cost, burst));
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toMillis());
    }
}

package io.parley.flink.functions;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded out-of-orderness watermarks that keep advancing with the wall clock when the input goes
 * quiet: {@code watermark = maxTs - bound - 1} while events flow, and at least {@code now - idle}
 * once no event arrived for {@code idle}. So the last window closes about {@code idle} after
 * traffic stops.
 *
 * <p>Before its first event an instance only marks itself idle (after {@code idle}): it never
 * advances by the clock then, so a replayed backlog that takes a while to start flowing is not
 * late; and an instance that never gets input does not hold the others back. A backlog that pauses
 * for longer than {@code idle} mid-way would make the rest late (counted, not emitted).
 */
public final class IdleAdvancingWatermarks<T> implements WatermarkGenerator<T> {
    private static final Logger LOG = LoggerFactory.getLogger(IdleAdvancingWatermarks.class);

    private final long boundMs;
    private final long idleMs;
    private final LongSupplier clock;

    private long maxTs = Long.MIN_VALUE;
    private long lastEventAt;
    private long emitted = Long.MIN_VALUE;
    private boolean idle;

    public IdleAdvancingWatermarks(Duration bound, Duration idle, LongSupplier clock) {
        this.boundMs = bound.toMillis();
        this.idleMs = idle.toMillis();
        this.clock = clock;
        this.lastEventAt = clock.getAsLong();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        maxTs = Math.max(maxTs, eventTimestamp);
        lastEventAt = clock.getAsLong();
        if (idle) {
            idle = false;
            output.markActive();
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.getAsLong();
        boolean quiet = now - lastEventAt >= idleMs;
        if (maxTs == Long.MIN_VALUE) {
            if (quiet && !idle) {
                idle = true;
                output.markIdle();
            }
            return;
        }
        long watermark = maxTs - boundMs - 1;
        if (quiet) {
            watermark = Math.max(watermark, now - idleMs);
        }
        if (watermark > emitted) {
            LOG.trace(
                    "watermark {} (max event time {}, quiet {} ms)",
                    watermark,
                    maxTs,
                    now - lastEventAt);
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}

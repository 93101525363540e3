package io.parley.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class IdleAdvancingWatermarksTest {
    private final AtomicLong now = new AtomicLong(100_000);
    private final List<Long> emitted = new ArrayList<>();
    private final List<String> status = new ArrayList<>();
    private final WatermarkOutput output =
            new WatermarkOutput() {
                @Override
                public void emitWatermark(Watermark watermark) {
                    emitted.add(watermark.getTimestamp());
                }

                @Override
                public void markIdle() {
                    status.add("idle");
                }

                @Override
                public void markActive() {
                    status.add("active");
                }
            };
    private final IdleAdvancingWatermarks<String> generator =
            new IdleAdvancingWatermarks<>(Duration.ofSeconds(2), Duration.ofSeconds(5), now::get);

    @Test
    void shouldTrailTheLargestTimestampByTheBoundWhileEventsFlow() {
        generator.onEvent("a", 50_000, output);
        generator.onEvent("b", 49_000, output);
        generator.onPeriodicEmit(output);

        assertThat(emitted).containsExactly(47_999L);
    }

    @Test
    void shouldFollowTheClockOnceTheInputIsIdle() {
        generator.onEvent("a", 50_000, output);
        now.addAndGet(4_999);
        generator.onPeriodicEmit(output);
        now.addAndGet(1);
        generator.onPeriodicEmit(output);

        assertThat(emitted).containsExactly(47_999L, 100_000L);
    }

    @Test
    void shouldNotOvertakeABacklogThatStartsFlowingLate() {
        now.addAndGet(30_000);
        generator.onPeriodicEmit(output);
        generator.onEvent("old", 1_000, output);
        now.addAndGet(3_000);
        generator.onPeriodicEmit(output);

        assertThat(emitted).containsExactly(-1_001L);
        assertThat(status).containsExactly("idle", "active");
    }

    @Test
    void shouldOnlyMarkAnInputThatNeverGetsEventsIdle() {
        now.addAndGet(4_999);
        generator.onPeriodicEmit(output);
        assertThat(status).isEmpty();

        now.addAndGet(1);
        generator.onPeriodicEmit(output);
        generator.onPeriodicEmit(output);

        assertThat(emitted).isEmpty();
        assertThat(status).containsExactly("idle");
    }

    @Test
    void shouldNeverEmitAWatermarkTwice() {
        generator.onEvent("a", 50_000, output);
        generator.onPeriodicEmit(output);
        generator.onPeriodicEmit(output);

        assertThat(emitted).hasSize(1);
    }
}

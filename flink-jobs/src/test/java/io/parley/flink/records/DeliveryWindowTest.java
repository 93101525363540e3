package io.parley.flink.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.parley.schemas.events.DeliveryStat;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class DeliveryWindowTest {

    static DeliveryStat stat(long sendToAppend, long appendToDeliver, int recipients) {
        long sequenced = 1_000_000;
        return new DeliveryStat(
                "r",
                1,
                "gw",
                sequenced - sendToAppend,
                sequenced - sendToAppend + 1,
                sequenced,
                sequenced + appendToDeliver,
                recipients,
                1,
                2);
    }

    @Test
    void shouldReadPercentilesOffTheHistograms() {
        DeliveryWindow window = new DeliveryWindow();
        for (int ms = 1; ms <= 1000; ms++) {
            window.add(stat(ms, 2 * ms, ms % 10));
        }

        DeliverySummary s = window.summary(10_000);

        assertThat(s.sendToAppend().count()).isEqualTo(1000);
        // 3 significant digits: within 0.1 %
        assertThat((double) s.sendToAppend().p50()).isCloseTo(500, within(1.0));
        assertThat((double) s.sendToAppend().p95()).isCloseTo(950, within(1.0));
        assertThat((double) s.sendToAppend().p99()).isCloseTo(990, within(1.0));
        assertThat((double) s.sendToAppend().max()).isCloseTo(1000, within(1.0));
        assertThat((double) s.appendToDeliver().p99()).isCloseTo(1980, within(2.0));
        assertThat(s.fanout().max()).isEqualTo(9);
        assertThat(s.dropped()).isEqualTo(1000);
        assertThat(s.queued()).isEqualTo(2000);
    }

    @Test
    void shouldCountClockSkewAsZeroLatency() {
        DeliveryWindow window = new DeliveryWindow();
        window.add(stat(-50, 5, 1));

        assertThat(window.summary(0).sendToAppend()).isEqualTo(new Percentiles(1, 0, 0, 0, 0));
    }

    @Test
    void shouldSurviveACheckpointRoundTrip() throws Exception {
        DeliveryWindow window = new DeliveryWindow();
        for (int ms = 1; ms <= 500; ms++) {
            window.add(stat(ms * 7L, ms, 3));
        }
        DataOutputSerializer out = new DataOutputSerializer(256);
        DeliveryWindowSerializer.INSTANCE.serialize(window, out);

        DeliveryWindow restored =
                DeliveryWindowSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(out.getCopyOfBuffer()));
        restored.add(stat(1_000_000, 1, 1));

        assertThat(restored.count()).isEqualTo(501);
        assertThat(restored.summary(1).fanout().p50()).isEqualTo(3);
        assertThat(window.summary(1).sendToAppend())
                .isEqualTo(
                        DeliveryWindowSerializer.INSTANCE.copy(window).summary(1).sendToAppend());
    }
}

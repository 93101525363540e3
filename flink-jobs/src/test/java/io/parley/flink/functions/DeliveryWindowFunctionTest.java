package io.parley.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.flink.records.DeliverySummary;
import io.parley.flink.records.Percentiles;
import io.parley.schemas.events.DeliveryStat;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeliveryWindowFunctionTest {
    private KeyedOneInputStreamOperatorTestHarness<String, DeliveryStat, DeliverySummary> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new DeliveryWindowFunction(Duration.ofSeconds(10)),
                        stat -> DeliveryWindowFunction.ALL,
                        Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /**
     * A delivery at {@code delivered} that took {@code sendToAppend} then {@code appendToDeliver}
     * ms.
     */
    static DeliveryStat delivery(
            long delivered, long sendToAppend, long appendToDeliver, int fanout) {
        long sequenced = delivered - appendToDeliver;
        return new DeliveryStat(
                "r",
                1,
                "gw",
                sequenced - sendToAppend,
                sequenced - 1,
                sequenced,
                delivered,
                fanout,
                1,
                0);
    }

    private void deliver(DeliveryStat stat) throws Exception {
        harness.processElement(stat, stat.deliveredTs());
    }

    @Test
    void shouldEmitEachWindowOnceTheWatermarkPassesItsEnd() throws Exception {
        deliver(delivery(20_500, 10, 3, 2));
        deliver(delivery(29_999, 30, 5, 4));
        deliver(delivery(30_000, 7, 7, 7));

        harness.processWatermark(29_998);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(29_999);
        assertThat(harness.extractOutputValues())
                .containsExactly(
                        new DeliverySummary(
                                30_000,
                                new Percentiles(2, 10, 30, 30, 30),
                                new Percentiles(2, 3, 5, 5, 5),
                                new Percentiles(2, 2, 4, 4, 4),
                                2,
                                0));
    }

    @Test
    void shouldClearAWindowsStateWhenItIsEmitted() throws Exception {
        deliver(delivery(20_500, 10, 3, 2));
        deliver(delivery(31_000, 10, 3, 2));
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        harness.processWatermark(45_000);

        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void shouldDropStatsForAWindowAlreadyEmitted() throws Exception {
        deliver(delivery(20_500, 10, 3, 2));
        harness.processWatermark(30_000);
        deliver(delivery(25_000, 10, 3, 2));
        harness.processWatermark(60_000);

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}

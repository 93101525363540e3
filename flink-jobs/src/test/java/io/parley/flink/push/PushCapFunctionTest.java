package io.parley.flink.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.events.PushRequest;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PushCapFunctionTest {
    private KeyedOneInputStreamOperatorTestHarness<String, PushRequest, PushRequest> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new PushCapFunction(1_000), PushCapFunction::key, Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    static PushRequest push(String user, String room, long seq) {
        return new PushRequest(room, seq, "m" + seq, "alice", user, "hi", seq);
    }

    @Test
    void shouldSendOnePushPerUserAndRoomPerInterval() throws Exception {
        harness.setProcessingTime(0);
        harness.processElement(push("bob", "r1", 1), 0);
        harness.processElement(push("bob", "r1", 2), 0);
        harness.processElement(push("bob", "r2", 3), 0);
        harness.processElement(push("carol", "r1", 4), 0);
        harness.setProcessingTime(500);
        harness.processElement(push("bob", "r1", 5), 0);

        assertThat(harness.extractOutputValues().stream().map(PushRequest::seq).toList())
                .containsExactly(1L, 3L, 4L);
    }

    @Test
    void shouldClearItsStateWhenTheIntervalEndsAndPushAgainAfter() throws Exception {
        harness.setProcessingTime(0);
        harness.processElement(push("bob", "r1", 1), 0);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        harness.setProcessingTime(1_000);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();

        harness.processElement(push("bob", "r1", 2), 0);
        assertThat(harness.extractOutputValues().stream().map(PushRequest::seq).toList())
                .containsExactly(1L, 2L);
    }
}

package io.parley.flink.functions;

import static io.parley.schemas.events.ReceiptStatus.DELIVERED;
import static io.parley.schemas.events.ReceiptStatus.READ;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.flink.records.Cursor;
import io.parley.flink.records.CursorChange;
import io.parley.flink.rooms.InMemoryRoomDirectory;
import io.parley.schemas.events.ReceiptEvent;
import io.parley.schemas.events.ReceiptStatus;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CursorFunctionTest {
    private final InMemoryRoomDirectory rooms = new InMemoryRoomDirectory();
    private KeyedOneInputStreamOperatorTestHarness<String, ReceiptEvent, CursorChange> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new CursorFunction(rooms, Duration.ofHours(1)),
                        CursorFunction::keyOf,
                        Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    static ReceiptEvent receipt(String user, long seq, ReceiptStatus status) {
        return new ReceiptEvent("room", user, "dev", seq, status, 1_000 + seq);
    }

    @Test
    void shouldEmitOnlyWhenAMarkMovesForward() throws Exception {
        harness.processElement(receipt("bob", 5, DELIVERED), 0);
        harness.processElement(receipt("bob", 3, DELIVERED), 0);
        harness.processElement(receipt("bob", 5, DELIVERED), 0);
        harness.processElement(receipt("bob", 8, DELIVERED), 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        new CursorChange("room", "bob", 5, 0, true, false, 1_005),
                        new CursorChange("room", "bob", 8, 0, true, false, 1_008));
    }

    @Test
    void shouldMoveDeliveredWithRead() throws Exception {
        harness.processElement(receipt("bob", 2, DELIVERED), 0);
        harness.processElement(receipt("bob", 6, READ), 0);
        harness.processElement(receipt("bob", 4, READ), 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        new CursorChange("room", "bob", 2, 0, true, false, 1_002),
                        new CursorChange("room", "bob", 6, 6, true, true, 1_006));
    }

    @Test
    void shouldKeepOneCursorPerRoomAndUser() throws Exception {
        harness.processElement(receipt("bob", 2, DELIVERED), 0);
        harness.processElement(receipt("carol", 3, READ), 0);
        harness.processElement(new ReceiptEvent("other", "bob", "d", 1, READ, 0), 0);
        harness.processElement(receipt("bob", 4, READ), 0);

        assertThat(harness.extractOutputValues()).hasSize(4);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void shouldStartFromTheStoredCursorWhenItHasNoState() throws Exception {
        rooms.storedCursor("room", "bob", new Cursor(10, 7));

        harness.processElement(receipt("bob", 9, DELIVERED), 0);
        harness.processElement(receipt("bob", 8, READ), 0);
        harness.processElement(receipt("bob", 9, READ), 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        new CursorChange("room", "bob", 10, 8, false, true, 1_008),
                        new CursorChange("room", "bob", 10, 9, false, true, 1_009));
        assertThat(rooms.cursorLookups()).isEqualTo(1);
    }
}

package io.parley.flink.functions;

import static io.parley.schemas.events.ReceiptStatus.DELIVERED;
import static io.parley.schemas.events.ReceiptStatus.READ;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.flink.records.Cursor;
import io.parley.flink.records.CursorChange;
import io.parley.flink.records.RoomKind;
import io.parley.flink.rooms.InMemoryRoomDirectory;
import io.parley.schemas.events.ReceiptUpdate;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoomReceiptFunctionTest {
    private static final long DEBOUNCE = 250;

    private final InMemoryRoomDirectory rooms =
            new InMemoryRoomDirectory()
                    .room("dm", RoomKind.DIRECT, 2)
                    .room("group", RoomKind.GROUP, 5);
    private KeyedOneInputStreamOperatorTestHarness<String, CursorChange, ReceiptUpdate> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new RoomReceiptFunction(
                                rooms, Duration.ofMillis(DEBOUNCE), Duration.ofHours(1)),
                        CursorChange::roomId,
                        Types.STRING);
        harness.setProcessingTime(1_000);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    static CursorChange change(
            String room, String user, long delivered, long read, boolean dMoved, boolean rMoved) {
        return new CursorChange(room, user, delivered, read, dMoved, rMoved, 0);
    }

    @Test
    void shouldTickEachPeerCursorChangeInADirectRoomAtOnce() throws Exception {
        harness.processElement(change("dm", "bob", 4, 0, true, false), 0);
        harness.processElement(change("dm", "bob", 6, 6, true, true), 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        new ReceiptUpdate("dm", 4, DELIVERED, "bob", 1, 0, 2),
                        new ReceiptUpdate("dm", 6, DELIVERED, "bob", 1, 1, 2),
                        new ReceiptUpdate("dm", 6, READ, "bob", 1, 1, 2));
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void shouldDebounceAGroupIntoOneUpdatePerStatus() throws Exception {
        harness.processElement(change("group", "bob", 3, 0, true, false), 0);
        harness.processElement(change("group", "carol", 5, 0, true, false), 0);
        harness.setProcessingTime(1_100);
        harness.processElement(change("group", "dave", 5, 5, true, true), 0);
        harness.processElement(change("group", "bob", 5, 2, true, true), 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(1_000 + DEBOUNCE);

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        new ReceiptUpdate("group", 5, DELIVERED, null, 3, 1, 5),
                        new ReceiptUpdate("group", 5, READ, null, 3, 1, 5));
    }

    @Test
    void shouldLeaveAReaderWhoTurnedReadReceiptsOffOutOfGroupReadCounts() throws Exception {
        rooms.privateReader("carol");
        harness.processElement(change("group", "bob", 5, 3, true, true), 0);
        harness.processElement(change("group", "carol", 5, 5, true, true), 0);

        harness.setProcessingTime(1_000 + DEBOUNCE);

        // carol delivered (counted) and read up to 5 (neither counted nor raising the seq)
        assertThat(harness.extractOutputValues())
                .containsExactly(
                        new ReceiptUpdate("group", 5, DELIVERED, null, 2, 0, 5),
                        new ReceiptUpdate("group", 3, READ, null, 2, 1, 5));
    }

    @Test
    void shouldNotArmAGroupReadUpdateForAPrivateReaderAlone() throws Exception {
        rooms.privateReader("carol");
        harness.processElement(change("group", "carol", 4, 4, false, true), 0);
        harness.setProcessingTime(1_000 + DEBOUNCE);

        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void shouldSendNoReadTickOfAPrivateReaderInADirectRoom() throws Exception {
        rooms.privateReader("bob");

        harness.processElement(change("dm", "bob", 4, 4, true, true), 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(new ReceiptUpdate("dm", 4, DELIVERED, "bob", 1, 0, 2));
    }

    @Test
    void shouldClearTheTimerAndPendingStateWhenItFires() throws Exception {
        harness.processElement(change("group", "bob", 3, 0, true, false), 0);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);

        harness.setProcessingTime(1_000 + DEBOUNCE);

        assertThat(harness.numProcessingTimeTimers()).isZero();
        // only the members' cursors stay
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void shouldEmitOnlyTheStatusesThatMovedInTheNextInterval() throws Exception {
        harness.processElement(change("group", "bob", 3, 3, true, true), 0);
        harness.setProcessingTime(1_000 + DEBOUNCE);
        harness.extractOutputValues();
        harness.getOutput().clear();

        harness.processElement(change("group", "carol", 2, 0, true, false), 0);
        harness.processElement(change("group", "carol", 4, 0, true, false), 0);
        harness.setProcessingTime(1_000 + 2 * DEBOUNCE);

        assertThat(harness.extractOutputValues())
                .containsExactly(new ReceiptUpdate("group", 4, DELIVERED, null, 1, 0, 5));
    }

    @Test
    void shouldCountMembersFromStoredCursorsAfterAFreshStart() throws Exception {
        rooms.storedCursor("group", "alice", new Cursor(9, 9))
                .storedCursor("group", "bob", new Cursor(9, 4));

        harness.processElement(change("group", "carol", 9, 9, true, true), 0);
        harness.setProcessingTime(1_000 + DEBOUNCE);

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        new ReceiptUpdate("group", 9, DELIVERED, null, 3, 2, 5),
                        new ReceiptUpdate("group", 9, READ, null, 3, 2, 5));
    }
}

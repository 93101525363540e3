package io.parley.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.events.SendCommand;
import io.parley.schemas.events.SequencedMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RoomSequencerTest {
    private final AtomicLong clock = new AtomicLong(1_000);

    /** A store whose puts land only when the test says so, in order, like the real one. */
    private static final class PendingStore implements KeyValueState {
        final Map<String, String> durable = new HashMap<>();
        final List<Runnable> pending = new ArrayList<>();
        final List<CompletableFuture<Void>> futures = new ArrayList<>();

        @Override
        public String get(String key) {
            return durable.get(key);
        }

        @Override
        public CompletableFuture<Void> put(String key, String value) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(() -> durable.put(key, value));
            futures.add(f);
            return f;
        }

        /** Lands the first n pending puts (a crash after them loses the rest). */
        void land(int n) {
            for (int i = 0; i < n; i++) {
                pending.remove(0).run();
                futures.remove(0).complete(null);
            }
        }

        void landAll() {
            land(pending.size());
        }
    }

    private static SendCommand send(String sender, String clientMsgId) {
        return new SendCommand(
                "room1", sender, "d1", "gw1", clientMsgId, "hi " + clientMsgId, null, null, 1, 2);
    }

    private SequencedMessage seq(RoomSequencer s, PendingStore store, String sender, String cmid) {
        RoomSequencer.Sequenced r = s.sequence("room1", send(sender, cmid));
        store.landAll();
        assertThat(r.durable()).isDone();
        return r.message();
    }

    @Test
    void shouldNumberEachRoomDenselyFromOne() {
        PendingStore store = new PendingStore();
        RoomSequencer s = new RoomSequencer(store, clock::incrementAndGet);

        assertThat(seq(s, store, "alice", "a").seq()).isEqualTo(1);
        assertThat(seq(s, store, "bob", "a").seq()).isEqualTo(2);
        assertThat(s.sequence("room2", send("alice", "a")).message().seq()).isEqualTo(1);
        assertThat(seq(s, store, "alice", "b").seq()).isEqualTo(3);
    }

    @Test
    void shouldReturnTheSameSeqMsgIdAndTsForARetriedClientMsgId() {
        PendingStore store = new PendingStore();
        RoomSequencer s = new RoomSequencer(store, clock::incrementAndGet);
        SequencedMessage first = seq(s, store, "alice", "x");
        seq(s, store, "alice", "y");

        SequencedMessage retry = seq(s, store, "alice", "x");

        assertThat(retry).isEqualTo(first);
        assertThat(s.roomRecord("room1").lastSeq()).isEqualTo(2);
    }

    @Test
    void shouldFindARetryOlderThanTheWindowThroughItsClientRecord() {
        PendingStore store = new PendingStore();
        RoomSequencer s = new RoomSequencer(store, clock::incrementAndGet);
        SequencedMessage old = seq(s, store, "alice", "old");
        for (int i = 0; i < RoomSequencer.RECENT + 5; i++) {
            seq(s, store, "bob", "m" + i);
        }

        RoomSequencer restarted = new RoomSequencer(store, clock::incrementAndGet);
        SequencedMessage retry = seq(restarted, store, "alice", "old");

        assertThat(retry.seq()).isEqualTo(old.seq());
        assertThat(retry.msgId()).isEqualTo(old.msgId());
        assertThat(restarted.roomRecord("room1").lastSeq()).isEqualTo(RoomSequencer.RECENT + 6);
    }

    @Test
    void shouldRouteARetryFromAnotherDeviceBackToThatDevice() {
        PendingStore store = new PendingStore();
        RoomSequencer s = new RoomSequencer(store, clock::incrementAndGet);
        SequencedMessage first = seq(s, store, "alice", "x");
        SendCommand fromLaptop =
                new SendCommand("room1", "alice", "laptop", "gw2", "x", "hi x", null, null, 1, 2);

        SequencedMessage retry = s.sequence("room1", fromLaptop).message();

        assertThat(retry.seq()).isEqualTo(first.seq());
        assertThat(retry.msgId()).isEqualTo(first.msgId());
        assertThat(retry.ts()).isEqualTo(first.ts());
        assertThat(retry.senderDeviceId()).isEqualTo("laptop");
        assertThat(retry.gatewayId()).isEqualTo("gw2");
    }

    @Test
    void shouldGiveEveryRedeliveredSendItsSeqAgainAfterACrashWithWritesInFlight() {
        // Given ten sends sequenced, of which only the room record of the 7th (and what came
        // before it) reached the store before the crash; nothing was published
        PendingStore store = new PendingStore();
        RoomSequencer s = new RoomSequencer(store, clock::incrementAndGet);
        List<SequencedMessage> before = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            before.add(s.sequence("room1", send("alice", "c" + i)).message());
        }
        store.land(13); // 6 pairs of (room, client) puts, then the 7th room record
        store.pending.clear();
        store.futures.clear();

        // When all ten are redelivered to a new instance on the same store
        RoomSequencer recovered = new RoomSequencer(store, clock::incrementAndGet);
        List<SequencedMessage> after = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            after.add(seq(recovered, store, "alice", "c" + i));
        }

        // Then the first seven keep their seq and msg_id, the rest continue densely from 8
        for (int i = 0; i < 7; i++) {
            assertThat(after.get(i).seq()).isEqualTo(before.get(i).seq());
            assertThat(after.get(i).msgId()).isEqualTo(before.get(i).msgId());
        }
        assertThat(after.stream().map(SequencedMessage::seq).toList())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void shouldKeepStateKeysFreeOfSlashes() {
        assertThat(RoomSequencer.clientKey("r", "a/b", "c/d//e")).doesNotContain("/");
    }
}

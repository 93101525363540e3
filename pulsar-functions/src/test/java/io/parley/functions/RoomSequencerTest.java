package io.parley.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.Json;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.events.SequencedMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RoomSequencerTest {
    static final RoomState OPEN_GROUP =
            new RoomState(
                    "group",
                    "g",
                    false,
                    false,
                    Map.of(
                            "alice", new RoomState.MemberState("admin", 1),
                            "bob", new RoomState.MemberState("member", 1),
                            "carol", new RoomState.MemberState("member", 1)));

    private final AtomicLong clock = new AtomicLong(1_000);

    /** A store in memory that counts the writes of each key and can fail the next ones. */
    private static final class MapStore implements KeyValueState {
        final Map<String, String> durable = new HashMap<>();
        final Map<String, Integer> writes = new HashMap<>();
        int failNext;

        /**
         * Fixture: every room these tests send to already exists, an open group of alice, bob and
         * carol, as if its log held nothing but that (seq numbering of messages starts at 1). The
         * events tests below create their rooms with a real {@code room_created}.
         */
        boolean roomsExist = true;

        @Override
        public synchronized String get(String key) {
            String value = durable.get(key);
            if (value == null && roomsExist && key.startsWith("r.")) {
                return Json.write(new RoomSequencer.RoomRecord(0, List.of(), OPEN_GROUP));
            }
            return value;
        }

        @Override
        public synchronized void put(String key, String value) {
            if (failNext > 0) {
                failNext--;
                throw new IllegalStateException("store unavailable");
            }
            durable.put(key, value);
            writes.merge(key, 1, Integer::sum);
        }
    }

    /** The writer threads, run by the test step by step; dropping the queue is a crash. */
    private static final class Steps implements Executor {
        final Deque<Runnable> queued = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            queued.add(task);
        }

        void runOne() {
            queued.removeFirst().run();
        }

        void runAll() {
            while (!queued.isEmpty()) {
                runOne();
            }
        }
    }

    private final MapStore store = new MapStore();
    private final Steps steps = new Steps();

    private RoomSequencer sequencer() {
        return new RoomSequencer(store, steps, clock::incrementAndGet);
    }

    private static SendCommand send(String sender, String clientMsgId) {
        return new SendCommand(
                "room1", sender, "d1", "gw1", clientMsgId, "hi " + clientMsgId, null, null, 1, 2);
    }

    /** Sequences a send and lets every write land: the send is ready to publish. */
    private SequencedMessage seq(RoomSequencer s, String sender, String cmid) {
        RoomSequencer.Sequenced r = s.sequence("room1", send(sender, cmid));
        steps.runAll();
        assertThat(r.durable()).isCompleted();
        return r.message();
    }

    @Test
    void shouldNumberEachRoomDenselyFromOne() {
        RoomSequencer s = sequencer();

        assertThat(seq(s, "alice", "a").seq()).isEqualTo(1);
        assertThat(seq(s, "bob", "a").seq()).isEqualTo(2);
        assertThat(s.sequence("room2", send("alice", "a")).message().seq()).isEqualTo(1);
        assertThat(seq(s, "alice", "b").seq()).isEqualTo(3);
    }

    @Test
    void shouldReturnTheSameSeqMsgIdAndTsForARetriedClientMsgId() {
        RoomSequencer s = sequencer();
        SequencedMessage first = seq(s, "alice", "x");
        seq(s, "alice", "y");

        SequencedMessage retry = seq(s, "alice", "x");

        assertThat(retry).isEqualTo(first);
        assertThat(s.roomRecord("room1").lastSeq()).isEqualTo(2);
    }

    @Test
    void shouldFindARetryOlderThanTheWindowThroughItsClientRecord() {
        RoomSequencer s = sequencer();
        SequencedMessage old = seq(s, "alice", "old");
        for (int i = 0; i < RoomSequencer.RECENT + 5; i++) {
            seq(s, "bob", "m" + i);
        }

        RoomSequencer restarted = sequencer();
        SequencedMessage retry = seq(restarted, "alice", "old");

        assertThat(retry.seq()).isEqualTo(old.seq());
        assertThat(retry.msgId()).isEqualTo(old.msgId());
        assertThat(restarted.roomRecord("room1").lastSeq()).isEqualTo(RoomSequencer.RECENT + 6);
    }

    @Test
    void shouldRecogniseARetryPushedOutOfTheWindowBeforeItsClientRecordIsWritten() {
        // Given more sends in one room than the window holds, none of them written yet
        RoomSequencer s = sequencer();
        List<SequencedMessage> sent = new ArrayList<>();
        for (int i = 0; i < RoomSequencer.RECENT + 3; i++) {
            sent.add(s.sequence("room1", send("alice", "c" + i)).message());
        }

        // When the first is retried
        RoomSequencer.Sequenced retry = s.sequence("room1", send("alice", "c0"));

        // Then it keeps its seq, and is ready only with the writes that count it
        assertThat(retry.message().msgId()).isEqualTo(sent.get(0).msgId());
        assertThat(retry.durable()).isNotDone();
        steps.runAll();
        assertThat(retry.durable()).isCompleted();
        assertThat(s.roomRecord("room1").lastSeq()).isEqualTo(RoomSequencer.RECENT + 3);
    }

    @Test
    void shouldRouteARetryFromAnotherDeviceBackToThatDevice() {
        RoomSequencer s = sequencer();
        SequencedMessage first = seq(s, "alice", "x");
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
    void shouldShareOneRoomWriteAmongTheSendsThatArriveWhileAWriteIsInFlight() {
        RoomSequencer s = sequencer();
        List<RoomSequencer.Sequenced> burst = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(s.sequence("room1", send("alice", "c" + i)));
        }

        steps.runAll();

        assertThat(burst).allSatisfy(r -> assertThat(r.durable()).isCompleted());
        // the first send's write, then one write for the nine that queued behind it
        assertThat(store.writes.get(RoomSequencer.roomKey("room1"))).isEqualTo(2);
        assertThat(sequencer().roomRecord("room1").lastSeq()).isEqualTo(10);
    }

    @Test
    void shouldNotCompleteARetryOfASendWhoseWriteIsStillInFlight() {
        RoomSequencer s = sequencer();
        RoomSequencer.Sequenced first = s.sequence("room1", send("alice", "x"));

        RoomSequencer.Sequenced retry = s.sequence("room1", send("alice", "x"));

        assertThat(retry.message().seq()).isEqualTo(first.message().seq());
        assertThat(first.durable()).isNotDone();
        assertThat(retry.durable()).isNotDone();
        steps.runAll();
        assertThat(retry.durable()).isCompleted();
    }

    @Test
    void shouldRetryAFailedWriteAndKeepTheSendWaitingUntilItLands() {
        RoomSequencer s = sequencer();
        store.failNext = 2;

        RoomSequencer.Sequenced r = s.sequence("room1", send("alice", "x"));
        steps.runAll();

        assertThat(r.durable()).isCompleted();
        assertThat(sequencer().roomRecord("room1").lastSeq()).isEqualTo(1);
    }

    @Test
    void shouldGiveEveryRedeliveredSendItsSeqAgainAfterACrashWithWritesInFlight() {
        // Given ten sends sequenced, of which only the first's room record reached the store
        // before the crash (its client-id record and the second batch did not)
        RoomSequencer s = sequencer();
        List<RoomSequencer.Sequenced> before = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            before.add(s.sequence("room1", send("alice", "c" + i)));
        }
        steps.runOne();
        steps.queued.clear();
        assertThat(before.get(0).durable()).isCompleted();
        assertThat(before.subList(1, 10)).noneMatch(r -> r.durable().isDone());

        // When all ten are redelivered to a new instance on the same store
        RoomSequencer recovered = sequencer();
        List<SequencedMessage> after = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            after.add(seq(recovered, "alice", "c" + i));
        }

        // Then the published one keeps its seq and msg_id, the rest continue densely from 2
        assertThat(after.get(0).msgId()).isEqualTo(before.get(0).message().msgId());
        assertThat(after.stream().map(SequencedMessage::seq).toList())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void shouldKeepStateKeysFreeOfSlashes() {
        assertThat(RoomSequencer.clientKey("r", "a/b", "c/d//e")).doesNotContain("/");
    }

    @Test
    void shouldForgetTheLeastRecentlyUsedRoomsAndReloadThemFromTheStore() {
        RoomSequencer s = new RoomSequencer(store, steps, clock::incrementAndGet, 2);
        for (String room : List.of("a", "b", "c", "d")) {
            s.sequence(room, send("alice", "x"));
            steps.runAll();
        }

        assertThat(s.cachedRoomCount()).isEqualTo(2);
        RoomSequencer.Sequenced next = s.sequence("a", send("alice", "y"));
        assertThat(next.message().seq()).isEqualTo(2);
    }

    @Test
    void shouldKeepARoomWhoseWriteIsNotDurableYetPastTheBound() {
        RoomSequencer s = new RoomSequencer(store, steps, clock::incrementAndGet, 1);
        s.sequence("a", send("alice", "x"));

        // b and c are loaded while a's write is still queued: a must not be dropped and reloaded
        // from the store, which does not have its seq 1 yet
        s.sequence("b", send("alice", "x"));
        s.sequence("c", send("alice", "x"));
        RoomSequencer.Sequenced again = s.sequence("a", send("alice", "y"));
        steps.runAll();

        assertThat(again.message().seq()).isEqualTo(2);
        assertThat(s.cachedRoomCount()).isLessThanOrEqualTo(3);
    }

    private RoomSequencer.Sequenced command(
            RoomSequencer s, String actor, String cmid, RoomEvent e) {
        RoomSequencer.Sequenced r =
                s.sequence("g1", SendCommand.event("g1", actor, null, "gw1", cmid, e, 5));
        steps.runAll();
        return r;
    }

    private SequencedMessage say(RoomSequencer s, String sender, String cmid) {
        RoomSequencer.Sequenced r =
                s.sequence(
                        "g1",
                        new SendCommand("g1", sender, "d1", "gw1", cmid, "hi", null, null, 1, 2));
        steps.runAll();
        return r.message();
    }

    private RoomSequencer createdGroup() {
        store.roomsExist = false;
        RoomSequencer s = sequencer();
        RoomSequencer.Sequenced created =
                command(
                        s,
                        "alice",
                        "create",
                        RoomEvent.created(
                                "group",
                                "team",
                                false,
                                List.of(
                                        new RoomEvent.Member("alice", "admin"),
                                        new RoomEvent.Member("bob", "member"),
                                        new RoomEvent.Member("carol", "member"))));
        assertThat(created.message().seq()).isEqualTo(1);
        assertThat(created.message().room().name()).isEqualTo("team");
        return s;
    }

    @Test
    void shouldRejectASendToARoomNobodyCreatedWithoutTakingASeq() {
        store.roomsExist = false;
        RoomSequencer s = sequencer();

        RoomSequencer.Sequenced r = s.sequence("nope", send("alice", "a"));

        assertThat(r.entries()).isEmpty();
        assertThat(r.outcome().code()).isEqualTo("forbidden");
        assertThat(r.outcome().deviceId()).isEqualTo("d1");
        assertThat(s.roomRecord("nope").lastSeq()).isZero();
    }

    @Test
    void shouldAppendBothTheLeaveAndThePromotionAndReEmitBothOnARetryAfterARestart() {
        RoomSequencer s = createdGroup();

        RoomSequencer.Sequenced leave =
                command(s, "alice", "bye", RoomEvent.memberRemoved("alice"));

        assertThat(leave.entries()).extracting(SequencedMessage::seq).containsExactly(2L, 3L);
        assertThat(leave.entries().get(1).senderId()).isEqualTo(RoomEvent.SERVER_ACTOR);
        assertThat(leave.entries().get(1).event().userId()).isEqualTo("bob");
        RoomSequencer restarted = sequencer();
        RoomSequencer.Sequenced retry =
                command(restarted, "alice", "bye", RoomEvent.memberRemoved("alice"));
        assertThat(retry.entries()).isEqualTo(leave.entries());
        assertThat(restarted.roomRecord("g1").lastSeq()).isEqualTo(3);
        assertThat(restarted.roomRecord("g1").state().isAdmin("bob")).isTrue();
    }

    @Test
    void shouldKnowAMessagesSenderAndDeletionAcrossARestartAndBeyondTheWindow() {
        RoomSequencer s = createdGroup();
        SequencedMessage bobs = say(s, "bob", "m");
        for (int i = 0; i < RoomSequencer.RECENT + 2; i++) {
            say(s, "carol", "filler" + i);
        }

        RoomSequencer restarted = sequencer();
        assertThat(
                        command(restarted, "carol", "e1", RoomEvent.edited(bobs.seq(), "x"))
                                .outcome()
                                .code())
                .isEqualTo("forbidden");
        assertThat(command(restarted, "bob", "e2", RoomEvent.edited(bobs.seq(), "x")).entries())
                .hasSize(1);
        assertThat(command(restarted, "alice", "d1", RoomEvent.deleted(bobs.seq())).entries())
                .hasSize(1);
        assertThat(
                        command(sequencer(), "bob", "e3", RoomEvent.edited(bobs.seq(), "y"))
                                .outcome()
                                .code())
                .isEqualTo("not_found");
        assertThat(command(sequencer(), "bob", "e4", RoomEvent.edited(1, "y")).outcome().code())
                .isEqualTo("not_found");
    }

    @Test
    void shouldSeeADeletionStillInItsWriteBeforeTheTargetsFactIsRewritten() {
        RoomSequencer s = createdGroup();
        SequencedMessage m = say(s, "bob", "m");

        s.sequence(
                "g1",
                SendCommand.event("g1", "bob", null, "gw1", "del", RoomEvent.deleted(m.seq()), 5));
        RoomSequencer.Sequenced edit =
                s.sequence(
                        "g1",
                        SendCommand.event(
                                "g1", "bob", null, "gw1", "ed", RoomEvent.edited(m.seq(), "x"), 5));

        assertThat(edit.outcome().code()).isEqualTo("not_found");
    }

    /**
     * The crash matrix found this after a broker kill: the room record counting a send was durable,
     * its client-id record was not, and the restarted instance let the send leave the window before
     * anything wrote that record, so the client's late retry got a second seq.
     */
    @Test
    void shouldKeepARetrysSeqWhenItsClientRecordWasLostInACrashAndTheWindowMovedOn() {
        // Given a send whose room record landed before the crash, but not its client-id record
        RoomSequencer s = sequencer();
        RoomSequencer.Sequenced lost = s.sequence("room1", send("alice", "lost"));
        steps.runOne();
        steps.queued.clear();
        assertThat(lost.durable()).isCompleted();

        // When the restarted instance sequences more sends than the window holds, then the retry
        RoomSequencer restarted = sequencer();
        for (int i = 0; i < RoomSequencer.RECENT + 5; i++) {
            seq(restarted, "bob", "m" + i);
        }
        SequencedMessage retry = seq(sequencer(), "alice", "lost");

        // Then the retry keeps the seq and msg_id it was published with
        assertThat(retry.seq()).isEqualTo(lost.message().seq());
        assertThat(retry.msgId()).isEqualTo(lost.message().msgId());
    }

    @Test
    void shouldKeepAMessagesFactWhenItWasLostInACrashAndTheWindowMovedOn() {
        RoomSequencer s = createdGroup();
        RoomSequencer.Sequenced bobs =
                s.sequence(
                        "g1",
                        new SendCommand("g1", "bob", "d1", "gw1", "m", "hi", null, null, 1, 2));
        steps.runOne();
        steps.queued.clear();

        RoomSequencer restarted = sequencer();
        for (int i = 0; i < RoomSequencer.RECENT + 2; i++) {
            say(restarted, "carol", "filler" + i);
        }

        assertThat(
                        command(
                                        sequencer(),
                                        "bob",
                                        "e",
                                        RoomEvent.edited(bobs.message().seq(), "x"))
                                .entries())
                .hasSize(1);
    }

    @Test
    void shouldKeepEverySendOfABatchLargerThanTheWindowFindableAfterACrash() {
        // Given one write in flight while more sends than the window holds pile up behind it
        RoomSequencer s = sequencer();
        List<SequencedMessage> sent = new ArrayList<>();
        for (int i = 0; i < RoomSequencer.RECENT + 10; i++) {
            sent.add(s.sequence("room1", send("alice", "c" + i)).message());
        }
        // the first batch (one send: room record, client-id record, fact) lands whole, the
        // second lands its room record only
        for (int i = 0; i < 4; i++) {
            steps.runOne();
        }
        steps.queued.clear();
        RoomSequencer.RoomRecord landed =
                Json.read(
                        store.durable.get(RoomSequencer.roomKey("room1")),
                        RoomSequencer.RoomRecord.class);
        assertThat(landed.lastSeq()).isEqualTo(RoomSequencer.RECENT + 10);

        // When every send is redelivered to a new instance
        RoomSequencer recovered = sequencer();
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < RoomSequencer.RECENT + 10; i++) {
            seqs.add(seq(recovered, "alice", "c" + i).seq());
        }

        // Then each keeps its seq
        assertThat(seqs).isEqualTo(sent.stream().map(SequencedMessage::seq).toList());
        assertThat(recovered.roomRecord("room1").lastSeq()).isEqualTo(RoomSequencer.RECENT + 10);
    }
}

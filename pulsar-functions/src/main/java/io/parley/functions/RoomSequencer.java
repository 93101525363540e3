package io.parley.functions;

import io.parley.schemas.Json;
import io.parley.schemas.events.CommandOutcome;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.events.SequencedMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Gives each command of a room its place in the room's log: {@code seq(room) = last_seq(room) + 1},
 * dense from 1 over messages and events, and {@code (room, actor, client_msg_id) -> (seq, id, ts)}
 * a function. A command first passes the room's rules ({@link RoomRules}) against the room's state
 * as of its log, which the room record carries; a rejected one takes no seq.
 *
 * <p>Facts about each message (its sender, whether it is deleted) are side records {@code
 * f.<room>.<seq>} written with the client-id records, after the room record.
 *
 * <p>The room record {@code r.<room> = {last_seq, recent}} is the commit point: one single-key
 * write that carries the new seq together with the last {@value #RECENT} sends' ids (more while
 * older ones' client-id records are not durable yet: an entry leaves the window only after its
 * record is, also across a crash, since a loaded window's records are written again first). A
 * client-id record {@code c.<room>.<sender>.<client_msg_id>} follows it, for retries older than
 * that window. Writes go through a {@link RoomCommitter} (group commit per room); the caller
 * publishes a message only once its {@code durable} future completes, so after a crash every
 * redelivered send that had been published is found in the durable room record's window (or its
 * client-id record) and gets its seq again; one that had not gets the next free seq, and no seq is
 * ever published for two different sends. A retry of a send still being committed waits for that
 * commit too.
 *
 * <p>This instance must be the only writer of its rooms (retain-ordering, one instance per room):
 * room records are cached in memory and read from the store only when not cached. The cache keeps
 * the {@value #CACHED_ROOMS} most recently used rooms; a room leaves it only once all its writes
 * are durable, so a reload always finds the newest record. Not thread-safe: called from the
 * function's thread.
 */
public final class RoomSequencer {
    static final int RECENT = 64;
    static final int CACHED_ROOMS = 4096;

    private final KeyValueState state;
    private final RoomCommitter committer;
    private final LongSupplier clock;
    private final int cachedRooms;
    private final Map<String, RoomRecord> rooms = new LinkedHashMap<>(16, 0.75f, true);

    public RoomSequencer(KeyValueState state, Executor writers, LongSupplier clock) {
        this(state, writers, clock, CACHED_ROOMS);
    }

    RoomSequencer(KeyValueState state, Executor writers, LongSupplier clock, int cachedRooms) {
        this.state = state;
        this.committer = new RoomCommitter(state, writers);
        this.clock = clock;
        this.cachedRooms = cachedRooms;
    }

    /**
     * One sequenced command, as remembered for retries: a message, or an event command with the
     * entries it appended ({@code events}, one or two: a leave may promote a successor).
     *
     * @param deletes the target seq of a deletion, so a fact not yet durable is still seen deleted
     */
    public record Entry(
            String senderId,
            String clientMsgId,
            long seq,
            String msgId,
            long ts,
            Long deletes,
            List<SequencedMessage> events) {
        public Entry(String senderId, String clientMsgId, long seq, String msgId, long ts) {
            this(senderId, clientMsgId, seq, msgId, ts, null, null);
        }

        boolean isMessage() {
            return events == null;
        }
    }

    /**
     * The room's committed position, its most recent commands (oldest first) and its state as of
     * its log (null until {@code room_created}).
     */
    public record RoomRecord(long lastSeq, List<Entry> recent, RoomState state) {
        public RoomRecord {
            recent = recent == null ? List.of() : recent;
        }

        public RoomRecord(long lastSeq, List<Entry> recent) {
            this(lastSeq, recent, null);
        }
    }

    /**
     * A sequenced command: the entries to publish in order (empty when rejected or already in the
     * log, then {@code outcome} says so), and the future of its state writes (publish only after
     * it).
     */
    public record Sequenced(
            List<SequencedMessage> entries,
            CommandOutcome outcome,
            CompletableFuture<Void> durable) {
        /** The single entry of a message send. */
        public SequencedMessage message() {
            return entries.get(0);
        }
    }

    public Sequenced sequence(String roomId, SendCommand send) {
        RoomRecord room = roomRecord(roomId);
        String roomKey = roomKey(roomId);
        for (Entry e : room.recent()) {
            if (e.senderId().equals(send.senderId())
                    && e.clientMsgId().equals(send.clientMsgId())) {
                return retried(roomId, e, send, committer.flushed(roomKey));
            }
        }
        String clientKey = clientKey(roomId, send.senderId(), send.clientMsgId());
        String seen = committer.unwrittenClient(clientKey);
        if (seen != null) {
            return retried(roomId, Json.read(seen, Entry.class), send, committer.flushed(roomKey));
        }
        seen = state.get(clientKey);
        if (seen != null) {
            return retried(
                    roomId,
                    Json.read(seen, Entry.class),
                    send,
                    CompletableFuture.completedFuture(null));
        }
        RoomRules.Decision decision =
                RoomRules.decide(
                        room.state(), room.lastSeq(), send, seq -> fact(roomId, room, seq));
        if (decision instanceof RoomRules.Reject r) {
            return new Sequenced(
                    List.of(),
                    CommandOutcome.rejected(send, r.code().wire(), r.message()),
                    committer.flushed(roomKey));
        }
        if (decision instanceof RoomRules.Existing x) {
            return new Sequenced(
                    List.of(), CommandOutcome.existing(send, x.seq()), committer.flushed(roomKey));
        }
        RoomRules.Append append = (RoomRules.Append) decision;
        long ts = clock.getAsLong();
        List<SequencedMessage> entries = new ArrayList<>();
        long seq = room.lastSeq();
        for (RoomRules.Planned planned : append.entries()) {
            seq++;
            entries.add(entryOf(roomId, seq, planned, send, append.next(), ts));
        }
        boolean message = append.entries().get(0).event() == null;
        SequencedMessage first = entries.get(0);
        Entry entry =
                new Entry(
                        send.senderId(),
                        send.clientMsgId(),
                        first.seq(),
                        first.msgId(),
                        ts,
                        append.deletes(),
                        message ? null : List.copyOf(entries));
        List<Entry> recent = new ArrayList<>(room.recent());
        recent.add(entry);
        // an entry leaves the window only once its client-id record is durable, however many
        // entries one write carries
        while (recent.size() > RECENT && !unwritten(roomId, recent.get(0))) {
            recent.remove(0);
        }
        RoomRecord next = new RoomRecord(seq, List.copyOf(recent), append.next());
        rooms.put(roomId, next);
        Map<String, String> side = new LinkedHashMap<>();
        side.put(clientKey, Json.write(entry));
        if (message) {
            side.put(
                    factKey(roomId, first.seq()),
                    Json.write(new RoomRules.Fact(send.senderId(), false)));
        }
        if (append.deletes() != null) {
            RoomRules.Fact target = fact(roomId, room, append.deletes());
            side.put(
                    factKey(roomId, append.deletes()),
                    Json.write(new RoomRules.Fact(target.senderId(), true)));
        }
        CompletableFuture<Void> durable = committer.commit(roomKey, () -> Json.write(next), side);
        return new Sequenced(List.copyOf(entries), null, durable);
    }

    /**
     * What the room knows of the message at {@code seq}: the durable room record's window first
     * (its facts may still be in flight), then facts queued but not yet written, then the store. A
     * deletion in the window marks its target deleted even when the target's fact is older.
     */
    private RoomRules.Fact fact(String roomId, RoomRecord room, long seq) {
        RoomRules.Fact found = null;
        boolean deleted = false;
        for (Entry e : room.recent()) {
            if (e.seq() == seq && e.isMessage()) {
                found = new RoomRules.Fact(e.senderId(), false);
            }
            if (e.deletes() != null && e.deletes() == seq) {
                deleted = true;
            }
        }
        if (found == null) {
            String key = factKey(roomId, seq);
            String raw = committer.unwrittenClient(key);
            if (raw == null) {
                raw = state.get(key);
            }
            found = raw == null ? null : Json.read(raw, RoomRules.Fact.class);
        }
        if (found == null) {
            return null;
        }
        return deleted ? new RoomRules.Fact(found.senderId(), true) : found;
    }

    private static SequencedMessage entryOf(
            String roomId,
            long seq,
            RoomRules.Planned planned,
            SendCommand send,
            RoomState next,
            long ts) {
        String id = UUID.randomUUID().toString();
        if (planned.event() == null) {
            return message(
                    roomId, new Entry(send.senderId(), send.clientMsgId(), seq, id, ts), send);
        }
        boolean byActor = planned.actor().equals(send.senderId());
        return new SequencedMessage(
                roomId,
                seq,
                id,
                planned.actor(),
                byActor ? send.senderDeviceId() : null,
                send.gatewayId(),
                byActor ? send.clientMsgId() : null,
                null,
                null,
                null,
                ts,
                send.clientTs(),
                send.edgeTs(),
                planned.event(),
                planned.event().changesRoomList() ? next.info() : null,
                send.ciphertext() && RoomEvent.MESSAGE_EDITED.equals(planned.event().kind()));
    }

    /**
     * A retry gets what the first attempt appended, routed back to the device and gateway that
     * retried, so that one gets its {@code sent} (or its HTTP answer).
     */
    private static Sequenced retried(
            String roomId, Entry e, SendCommand send, CompletableFuture<Void> durable) {
        if (e.isMessage()) {
            return new Sequenced(List.of(message(roomId, e, send)), null, durable);
        }
        List<SequencedMessage> again = new ArrayList<>();
        for (SequencedMessage m : e.events()) {
            again.add(
                    m.clientMsgId() != null
                            ? m.routedTo(send.senderDeviceId(), send.gatewayId())
                            : m);
        }
        return new Sequenced(List.copyOf(again), null, durable);
    }

    /** Stops the writes still retrying; what they carried is not published. */
    public void close() {
        committer.close();
    }

    public RoomRecord roomRecord(String roomId) {
        RoomRecord cached = rooms.get(roomId);
        if (cached != null) {
            return cached;
        }
        String raw = state.get(roomKey(roomId));
        RoomRecord loaded =
                raw == null ? new RoomRecord(0, List.of(), null) : Json.read(raw, RoomRecord.class);
        rooms.put(roomId, loaded);
        if (!loaded.recent().isEmpty()) {
            committer.rewrite(roomKey(roomId), sideRecordsOfWindow(roomId, loaded));
        }
        evictSettledRooms();
        return loaded;
    }

    /**
     * The client-id records and facts of a loaded window. A crash can land a room record and lose
     * the side records of its last write; written again before any newer room record, they are
     * durable before their entries can leave the window, so a late retry still finds its seq.
     */
    private Map<String, String> sideRecordsOfWindow(String roomId, RoomRecord room) {
        Map<String, String> side = new LinkedHashMap<>();
        for (Entry e : room.recent()) {
            side.put(clientKey(roomId, e.senderId(), e.clientMsgId()), Json.write(e));
            if (e.isMessage()) {
                side.put(factKey(roomId, e.seq()), Json.write(fact(roomId, room, e.seq())));
            }
            if (e.deletes() != null) {
                RoomRules.Fact target = fact(roomId, room, e.deletes());
                if (target != null) {
                    side.put(
                            factKey(roomId, e.deletes()),
                            Json.write(new RoomRules.Fact(target.senderId(), true)));
                }
            }
        }
        return side;
    }

    private boolean unwritten(String roomId, Entry e) {
        return committer.unwrittenClient(clientKey(roomId, e.senderId(), e.clientMsgId())) != null;
    }

    int cachedRoomCount() {
        return rooms.size();
    }

    /** Drops least recently used rooms past the bound, skipping any with writes not durable yet. */
    private void evictSettledRooms() {
        Iterator<String> eldestFirst = rooms.keySet().iterator();
        int excess = rooms.size() - cachedRooms;
        while (excess > 0 && eldestFirst.hasNext()) {
            if (committer.settled(roomKey(eldestFirst.next()))) {
                eldestFirst.remove();
                excess--;
            }
        }
    }

    /**
     * The message of a sequenced send. A retry gets the seq, msg_id and ts of the first time, the
     * content it carries (the same, from a well-behaved client) and is routed back to the device
     * and gateway that retried, so that one gets its {@code sent} tick.
     */
    private static SequencedMessage message(String roomId, Entry e, SendCommand send) {
        return new SequencedMessage(
                roomId,
                e.seq(),
                e.msgId(),
                e.senderId(),
                send.senderDeviceId(),
                send.gatewayId(),
                e.clientMsgId(),
                send.body(),
                send.media(),
                send.replyToSeq(),
                e.ts(),
                send.clientTs(),
                send.edgeTs(),
                null,
                null,
                send.ciphertext());
    }

    /** The fact of the message at a seq: {@code f.<room>.<seq> = {sender_id, deleted}}. */
    static String factKey(String roomId, long seq) {
        return "f." + roomId + "." + seq;
    }

    static String roomKey(String roomId) {
        return "r." + roomId;
    }

    /** State keys must not contain '/': the sender and client id are base64url-encoded. */
    static String clientKey(String roomId, String senderId, String clientMsgId) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "c."
                + roomId
                + "."
                + b64.encodeToString(senderId.getBytes(StandardCharsets.UTF_8))
                + "."
                + b64.encodeToString(clientMsgId.getBytes(StandardCharsets.UTF_8));
    }
}

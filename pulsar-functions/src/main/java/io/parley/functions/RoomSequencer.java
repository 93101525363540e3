package io.parley.functions;

import io.parley.schemas.Json;
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
 * Gives each send of a room its place in the room: {@code seq(room) = last_seq(room) + 1}, dense
 * from 1, and {@code (room, sender, client_msg_id) -> (seq, msg_id, ts)} a function.
 *
 * <p>The room record {@code r.<room> = {last_seq, recent}} is the commit point: one single-key
 * write that carries the new seq together with the last {@value #RECENT} sends' ids. A client-id
 * record {@code c.<room>.<sender>.<client_msg_id>} follows it, for retries older than that window.
 * Writes go through a {@link RoomCommitter} (group commit per room); the caller publishes a message
 * only once its {@code durable} future completes, so after a crash every redelivered send that had
 * been published is found in the durable room record's window (or its client-id record) and gets
 * its seq again; one that had not gets the next free seq, and no seq is ever published for two
 * different sends. A retry of a send still being committed waits for that commit too.
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

    /** One sequenced send, as remembered for retries. */
    public record Entry(String senderId, String clientMsgId, long seq, String msgId, long ts) {}

    /** The room's committed position and its most recent sends, oldest first. */
    public record RoomRecord(long lastSeq, List<Entry> recent) {
        public RoomRecord {
            recent = recent == null ? List.of() : recent;
        }
    }

    /** A sequenced message and the future of its state writes (publish only after it). */
    public record Sequenced(SequencedMessage message, CompletableFuture<Void> durable) {}

    public Sequenced sequence(String roomId, SendCommand send) {
        RoomRecord room = roomRecord(roomId);
        String roomKey = roomKey(roomId);
        for (Entry e : room.recent()) {
            if (e.senderId().equals(send.senderId())
                    && e.clientMsgId().equals(send.clientMsgId())) {
                return new Sequenced(message(roomId, e, send), committer.flushed(roomKey));
            }
        }
        String clientKey = clientKey(roomId, send.senderId(), send.clientMsgId());
        String seen = committer.unwrittenClient(clientKey);
        if (seen != null) {
            Entry e = Json.read(seen, Entry.class);
            return new Sequenced(message(roomId, e, send), committer.flushed(roomKey));
        }
        seen = state.get(clientKey);
        if (seen != null) {
            Entry e = Json.read(seen, Entry.class);
            return new Sequenced(message(roomId, e, send), CompletableFuture.completedFuture(null));
        }
        Entry entry =
                new Entry(
                        send.senderId(),
                        send.clientMsgId(),
                        room.lastSeq() + 1,
                        UUID.randomUUID().toString(),
                        clock.getAsLong());
        List<Entry> recent = new ArrayList<>(room.recent());
        recent.add(entry);
        if (recent.size() > RECENT) {
            recent.subList(0, recent.size() - RECENT).clear();
        }
        RoomRecord next = new RoomRecord(entry.seq(), List.copyOf(recent));
        rooms.put(roomId, next);
        CompletableFuture<Void> durable =
                committer.commit(roomKey, () -> Json.write(next), clientKey, Json.write(entry));
        return new Sequenced(message(roomId, entry, send), durable);
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
                raw == null ? new RoomRecord(0, List.of()) : Json.read(raw, RoomRecord.class);
        rooms.put(roomId, loaded);
        evictSettledRooms();
        return loaded;
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
                send.edgeTs());
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

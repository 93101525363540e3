package io.parley.edge.delivery;

import io.parley.schemas.events.CommandOutcome;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP calls of this gateway waiting for their command's outcome: {@code (room, actor,
 * client_msg_id) -> seq}. A call completes when FanOut routes its entry here (so the live path
 * already knows it), or when the Sequencer routes back a rejection (an error) or the seq of the
 * entry that already had its effect.
 */
public final class PendingCalls {
    /** A call's answer: the seq of its entry, and whether this command appended it. */
    public record Result(long seq, boolean appended) {}

    private final Map<String, CompletableFuture<Result>> waiting = new ConcurrentHashMap<>();

    /** Registers a call before its command is published; the caller must {@link #forget} it. */
    public CompletableFuture<Result> expect(String roomId, String actor, String clientMsgId) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        waiting.put(key(roomId, actor, clientMsgId), f);
        return f;
    }

    public void forget(String roomId, String actor, String clientMsgId) {
        waiting.remove(key(roomId, actor, clientMsgId));
    }

    /** An entry of the log reached this gateway; true if a call was waiting for it. */
    public boolean entered(SequencedMessage entry) {
        if (entry.clientMsgId() == null) {
            return false;
        }
        CompletableFuture<Result> f =
                waiting.remove(key(entry.roomId(), entry.senderId(), entry.clientMsgId()));
        return f != null && f.complete(new Result(entry.seq(), true));
    }

    /** An outcome came back; true if a call was waiting for it (then no device needs it). */
    public boolean answered(CommandOutcome o) {
        CompletableFuture<Result> f = waiting.remove(key(o.roomId(), o.actorId(), o.clientMsgId()));
        if (f == null) {
            return false;
        }
        if (o.code() == null) {
            f.complete(new Result(o.seq(), false));
        } else {
            f.completeExceptionally(new ProtocolException(codeOf(o.code()), o.message()));
        }
        return true;
    }

    public int size() {
        return waiting.size();
    }

    /** The error code of an outcome's wire name ({@code internal} for one this edge lacks). */
    public static ErrorCode codeOf(String wire) {
        try {
            return ErrorCode.valueOf(wire.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return ErrorCode.INTERNAL;
        }
    }

    private static String key(String roomId, String actor, String clientMsgId) {
        return roomId + "\n" + actor + "\n" + clientMsgId;
    }
}

package io.parley.functions;

import io.parley.schemas.Json;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.events.SequencedMessage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Gives each send of a room its place in the room: {@code seq(room) = last_seq(room) + 1}, dense
 * from 1, and {@code (room, sender, client_msg_id) -> message} a function.
 *
 * <p>Crash safety rests on one single-key write, the commit point: the room record {@code r.<room>
 * = {last_seq, last}} holds the newest message whole. The client-id record {@code c.<room>.<key>}
 * is written after it, so a crash between the two is repaired on redelivery by recognising the send
 * as the room's {@code last}; a crash after both re-emits the stored message. Either way the same
 * seq, msg_id and ts come out again, never a new seq. Calls for one room must be serial (the
 * function runs with retain-ordering).
 */
public final class RoomSequencer {
    private final KeyValueState state;
    private final LongSupplier clock;

    public RoomSequencer(KeyValueState state, LongSupplier clock) {
        this.state = state;
        this.clock = clock;
    }

    /** The room's committed position: its newest seq and the message that took it. */
    public record RoomRecord(long lastSeq, SequencedMessage last) {}

    public SequencedMessage sequence(String roomId, SendCommand send) {
        String clientKey = clientKey(roomId, send.senderId(), send.clientMsgId());
        String seen = state.get(clientKey);
        if (seen != null) {
            return retriedFrom(Json.read(seen, SequencedMessage.class), send);
        }
        RoomRecord room = roomRecord(roomId);
        if (room.last() != null && sameSend(room.last(), send)) {
            // crashed after the commit point, before the client-id record: finish the job
            state.put(clientKey, Json.write(room.last()));
            return retriedFrom(room.last(), send);
        }
        SequencedMessage message =
                new SequencedMessage(
                        roomId,
                        room.lastSeq() + 1,
                        UUID.randomUUID().toString(),
                        send.senderId(),
                        send.senderDeviceId(),
                        send.gatewayId(),
                        send.clientMsgId(),
                        send.body(),
                        send.media(),
                        send.replyToSeq(),
                        clock.getAsLong(),
                        send.clientTs(),
                        send.edgeTs());
        String encoded = Json.write(message);
        state.put(roomKey(roomId), Json.write(new RoomRecord(message.seq(), message)));
        state.put(clientKey, encoded);
        return message;
    }

    /**
     * The stored message as the answer to a retry: same seq, msg_id, ts and content, but routed
     * back to the device and gateway that retried, so that one gets its {@code sent} tick.
     */
    private static SequencedMessage retriedFrom(SequencedMessage stored, SendCommand retry) {
        return new SequencedMessage(
                stored.roomId(),
                stored.seq(),
                stored.msgId(),
                stored.senderId(),
                retry.senderDeviceId(),
                retry.gatewayId(),
                stored.clientMsgId(),
                stored.body(),
                stored.media(),
                stored.replyToSeq(),
                stored.ts(),
                stored.clientTs(),
                stored.edgeTs());
    }

    public RoomRecord roomRecord(String roomId) {
        String raw = state.get(roomKey(roomId));
        return raw == null ? new RoomRecord(0, null) : Json.read(raw, RoomRecord.class);
    }

    private static boolean sameSend(SequencedMessage last, SendCommand send) {
        return last.senderId().equals(send.senderId())
                && last.clientMsgId().equals(send.clientMsgId());
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

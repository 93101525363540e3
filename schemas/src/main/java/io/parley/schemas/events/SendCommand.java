package io.parley.schemas.events;

import java.util.List;

/**
 * A command to a room's log, as the edge publishes it to the room's ingress topic {@code
 * rooms/r.<room_id>}: a client's {@code send} ({@code event} null), or a room change ({@code event}
 * set: create, membership, roles, rename, edit, delete, react). Not yet sequenced: the Sequencer
 * checks the room's rules, then gives it a seq and an id.
 *
 * @param senderId the actor; {@code senderDeviceId} is null for an HTTP call (no {@code sent})
 * @param clientTs when the client sent it, if it said (else the edge's ingress time)
 * @param edgeTs when the edge received it
 * @param ciphertext whether the body (a message's, or an edit's) is a client's ciphertext (base64,
 *     PROTOCOL.md section 6) rather than plaintext; the Sequencer requires it in encrypted rooms
 *     and refuses it in plain ones
 */
public record SendCommand(
        String roomId,
        String senderId,
        String senderDeviceId,
        String gatewayId,
        String clientMsgId,
        String body,
        List<MediaRef> media,
        Long replyToSeq,
        long clientTs,
        long edgeTs,
        RoomEvent event,
        boolean ciphertext) {

    /** A plaintext command. */
    public SendCommand(
            String roomId,
            String senderId,
            String senderDeviceId,
            String gatewayId,
            String clientMsgId,
            String body,
            List<MediaRef> media,
            Long replyToSeq,
            long clientTs,
            long edgeTs,
            RoomEvent event) {
        this(
                roomId,
                senderId,
                senderDeviceId,
                gatewayId,
                clientMsgId,
                body,
                media,
                replyToSeq,
                clientTs,
                edgeTs,
                event,
                false);
    }

    /** A message send (no event). */
    public SendCommand(
            String roomId,
            String senderId,
            String senderDeviceId,
            String gatewayId,
            String clientMsgId,
            String body,
            List<MediaRef> media,
            Long replyToSeq,
            long clientTs,
            long edgeTs) {
        this(
                roomId,
                senderId,
                senderDeviceId,
                gatewayId,
                clientMsgId,
                body,
                media,
                replyToSeq,
                clientTs,
                edgeTs,
                null);
    }

    /** A room change by {@code actor}. */
    public static SendCommand event(
            String roomId,
            String actor,
            String deviceId,
            String gatewayId,
            String clientMsgId,
            RoomEvent event,
            long now) {
        return event(roomId, actor, deviceId, gatewayId, clientMsgId, event, now, false);
    }

    /** A room change whose body (an edit's) is ciphertext or not. */
    public static SendCommand event(
            String roomId,
            String actor,
            String deviceId,
            String gatewayId,
            String clientMsgId,
            RoomEvent event,
            long now,
            boolean ciphertext) {
        return new SendCommand(
                roomId,
                actor,
                deviceId,
                gatewayId,
                clientMsgId,
                null,
                null,
                null,
                now,
                now,
                event,
                ciphertext);
    }
}

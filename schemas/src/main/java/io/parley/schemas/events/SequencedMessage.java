package io.parley.schemas.events;

import java.util.List;

/**
 * An entry of the sequenced log {@code events/messages}: a message, or a room event when {@code
 * event} is set (then {@code msgId} is the event id and {@code senderId} the actor). seq is dense
 * per room from 1 over both kinds, and {@code (roomId, senderId, clientMsgId) -> (seq, msgId)} is a
 * function.
 *
 * @param ts when the Sequencer appended it (the time clients see)
 * @param room the room as of this entry, on the events that change room lists
 * @param ciphertext whether the entry's body (a message's, or an edit event's) is ciphertext: set
 *     by the Sequencer in an encrypted room (PROTOCOL.md section 6); frames then carry it as {@code
 *     ciphertext}, search never indexes it and push shows no preview
 */
public record SequencedMessage(
        String roomId,
        long seq,
        String msgId,
        String senderId,
        String senderDeviceId,
        String gatewayId,
        String clientMsgId,
        String body,
        List<MediaRef> media,
        Long replyToSeq,
        long ts,
        long clientTs,
        long edgeTs,
        RoomEvent event,
        RoomInfo room,
        boolean ciphertext) {

    /** A plaintext entry. */
    public SequencedMessage(
            String roomId,
            long seq,
            String msgId,
            String senderId,
            String senderDeviceId,
            String gatewayId,
            String clientMsgId,
            String body,
            List<MediaRef> media,
            Long replyToSeq,
            long ts,
            long clientTs,
            long edgeTs,
            RoomEvent event,
            RoomInfo room) {
        this(
                roomId,
                seq,
                msgId,
                senderId,
                senderDeviceId,
                gatewayId,
                clientMsgId,
                body,
                media,
                replyToSeq,
                ts,
                clientTs,
                edgeTs,
                event,
                room,
                false);
    }

    /** A message entry (no event). */
    public SequencedMessage(
            String roomId,
            long seq,
            String msgId,
            String senderId,
            String senderDeviceId,
            String gatewayId,
            String clientMsgId,
            String body,
            List<MediaRef> media,
            Long replyToSeq,
            long ts,
            long clientTs,
            long edgeTs) {
        this(
                roomId,
                seq,
                msgId,
                senderId,
                senderDeviceId,
                gatewayId,
                clientMsgId,
                body,
                media,
                replyToSeq,
                ts,
                clientTs,
                edgeTs,
                null,
                null);
    }

    /** Whether this entry is a message (not an event). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isMessage() {
        return event == null;
    }

    /** The same entry with another event payload (a read path hiding what a deletion ended). */
    public SequencedMessage withEvent(RoomEvent changed) {
        return new SequencedMessage(
                roomId,
                seq,
                msgId,
                senderId,
                senderDeviceId,
                gatewayId,
                clientMsgId,
                body,
                media,
                replyToSeq,
                ts,
                clientTs,
                edgeTs,
                changed,
                room,
                ciphertext);
    }

    /** The same entry routed to another device and gateway (a retry from elsewhere). */
    public SequencedMessage routedTo(String deviceId, String gateway) {
        return new SequencedMessage(
                roomId,
                seq,
                msgId,
                senderId,
                deviceId,
                gateway,
                clientMsgId,
                body,
                media,
                replyToSeq,
                ts,
                clientTs,
                edgeTs,
                event,
                room,
                ciphertext);
    }

    /** The same entry, its body marked as ciphertext or not (the archive keeps the mark). */
    public SequencedMessage withCiphertext(boolean isCiphertext) {
        return new SequencedMessage(
                roomId,
                seq,
                msgId,
                senderId,
                senderDeviceId,
                gatewayId,
                clientMsgId,
                body,
                media,
                replyToSeq,
                ts,
                clientTs,
                edgeTs,
                event,
                room,
                isCiphertext);
    }

    /** The archive partition of a seq: messages_by_room is bucketed 1000 seqs at a time. */
    public static long bucketOf(long seq) {
        return seq / 1000;
    }

    /** The search document id and the idempotence key of every downstream writer. */
    public String docId() {
        return roomId + ":" + seq;
    }
}

package io.parley.schemas.events;

import java.util.List;

/**
 * A message of the sequenced log {@code events/messages}: seq is dense per room from 1, and {@code
 * (roomId, senderId, clientMsgId) -> (seq, msgId)} is a function.
 *
 * @param ts when the Sequencer appended it (the time clients see)
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
        long edgeTs) {

    /** The archive partition of a seq: messages_by_room is bucketed 1000 seqs at a time. */
    public static long bucketOf(long seq) {
        return seq / 1000;
    }

    /** The search document id and the idempotence key of every downstream writer. */
    public String docId() {
        return roomId + ":" + seq;
    }
}

package io.parley.flink.records;

import io.parley.schemas.Json;
import io.parley.schemas.events.SequencedMessage;

/**
 * A sequenced message flattened for the stores: one row of {@code messages_by_room}, media as its
 * JSON text. Only strings and numbers, so Flink serializes it as a POJO (no Kryo for the media
 * list).
 *
 * @param bucket {@code SequencedMessage.bucketOf(seq)}
 * @param media the media list as JSON, or null when the message has none
 */
public record MessageRow(
        String roomId,
        long bucket,
        long seq,
        String msgId,
        String senderId,
        String clientMsgId,
        String body,
        String media,
        Long replyToSeq,
        long ts) {

    public static MessageRow of(SequencedMessage m) {
        return new MessageRow(
                m.roomId(),
                SequencedMessage.bucketOf(m.seq()),
                m.seq(),
                m.msgId(),
                m.senderId(),
                m.clientMsgId(),
                m.body(),
                m.media() == null ? null : Json.write(m.media()),
                m.replyToSeq(),
                m.ts());
    }

    /** {@code room_id:seq}: the search document id and every writer's idempotence key. */
    public String docId() {
        return roomId + ":" + seq;
    }
}

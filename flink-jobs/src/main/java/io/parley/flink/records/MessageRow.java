package io.parley.flink.records;

import io.parley.schemas.Json;
import io.parley.schemas.events.SequencedMessage;

/**
 * An entry of the sequenced log flattened for the stores: its own row of {@code messages_by_room}
 * (a message, or a room event with its JSON in {@code event}), media as JSON text. Only strings and
 * numbers, so Flink serializes it as a POJO (no Kryo for the media list or the event).
 *
 * @param bucket {@code SequencedMessage.bucketOf(seq)}
 * @param body the message's body, null for an event (an edit's new body is in {@code event})
 * @param media the media list as JSON, or null when the message has none (and for an event)
 * @param event the room event as JSON ({@code Json.write}), or null for a message
 * @param room the entry's {@code RoomInfo} as JSON, on the events that change room lists (null
 *     otherwise): not a column, the live path's {@code roominfo:<room>} cache is projected from it
 * @param ciphertext true when the body is ciphertext (an encrypted room, PROTOCOL.md section 6),
 *     null otherwise (left unset)
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
        long ts,
        String event,
        String room,
        Boolean ciphertext)
        implements ProjectionWrite {

    /** A plaintext entry's row. */
    public MessageRow(
            String roomId,
            long bucket,
            long seq,
            String msgId,
            String senderId,
            String clientMsgId,
            String body,
            String media,
            Long replyToSeq,
            long ts,
            String event,
            String room) {
        this(
                roomId,
                bucket,
                seq,
                msgId,
                senderId,
                clientMsgId,
                body,
                media,
                replyToSeq,
                ts,
                event,
                room,
                null);
    }

    public static MessageRow of(SequencedMessage m) {
        boolean message = m.isMessage();
        return new MessageRow(
                m.roomId(),
                SequencedMessage.bucketOf(m.seq()),
                m.seq(),
                m.msgId(),
                m.senderId(),
                m.clientMsgId(),
                message ? m.body() : null,
                message && m.media() != null ? Json.write(m.media()) : null,
                m.replyToSeq(),
                m.ts(),
                message ? null : Json.write(m.event()),
                m.room() == null ? null : Json.write(m.room()),
                m.ciphertext() ? Boolean.TRUE : null);
    }

    /** {@code room_id:seq}: the search document id and every writer's idempotence key. */
    public String docId() {
        return roomId + ":" + seq;
    }

    /** The row is written at its own seq. */
    @Override
    public long entrySeq() {
        return seq;
    }
}

package io.parley.flink.records;

/**
 * One operation on the search index, on doc id {@code room_id:seq} ({@link #docId}):
 *
 * <ul>
 *   <li>{@link Kind#INDEX}: a message, the whole document;
 *   <li>{@link Kind#UPDATE}: a {@code message_edited}, the target's new body only ({@code seq} is
 *       the target's; the other fields are unset);
 *   <li>{@link Kind#DELETE}: a {@code message_deleted}, the target's document ({@code seq} is the
 *       target's).
 * </ul>
 *
 * The ops of one doc id only converge to the latest state when applied in log order.
 */
public record SearchOp(
        Kind kind,
        String roomId,
        long seq,
        String msgId,
        String senderId,
        String clientMsgId,
        String body,
        long ts) {

    public enum Kind {
        INDEX,
        UPDATE,
        DELETE
    }

    public static SearchOp index(MessageRow message) {
        return new SearchOp(
                Kind.INDEX,
                message.roomId(),
                message.seq(),
                message.msgId(),
                message.senderId(),
                message.clientMsgId(),
                message.body(),
                message.ts());
    }

    public static SearchOp update(String roomId, long targetSeq, String body) {
        return new SearchOp(Kind.UPDATE, roomId, targetSeq, null, null, null, body, 0);
    }

    public static SearchOp delete(String roomId, long targetSeq) {
        return new SearchOp(Kind.DELETE, roomId, targetSeq, null, null, null, null, 0);
    }

    /** {@code room_id:seq}, as {@link MessageRow#docId()}. */
    public String docId() {
        return roomId + ":" + seq;
    }
}

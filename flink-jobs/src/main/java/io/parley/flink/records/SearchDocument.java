package io.parley.flink.records;

/**
 * The search document of a message: exactly the fields of the {@code messages} index mapping (which
 * is {@code dynamic: strict}), written as snake_case JSON.
 */
public record SearchDocument(
        String roomId,
        long seq,
        String msgId,
        String senderId,
        String clientMsgId,
        String body,
        long ts) {

    public static SearchDocument of(MessageRow row) {
        return new SearchDocument(
                row.roomId(),
                row.seq(),
                row.msgId(),
                row.senderId(),
                row.clientMsgId(),
                row.body(),
                row.ts());
    }
}

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

    /** The partial document of an edit: only the body changes. */
    public record Body(String body) {}

    public static SearchDocument of(SearchOp index) {
        return new SearchDocument(
                index.roomId(),
                index.seq(),
                index.msgId(),
                index.senderId(),
                index.clientMsgId(),
                index.body(),
                index.ts());
    }
}

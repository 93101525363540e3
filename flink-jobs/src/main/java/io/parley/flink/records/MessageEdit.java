package io.parley.flink.records;

/**
 * A {@code message_edited} folded into its target row of {@code messages_by_room}: {@code body =
 * body, edited_ts = editedTs} at {@code ((roomId, bucket), targetSeq)}.
 *
 * @param bucket {@code SequencedMessage.bucketOf(targetSeq)}
 * @param editedTs the edit entry's ts
 * @param entrySeq the edit entry's seq
 */
public record MessageEdit(
        String roomId, long bucket, long targetSeq, String body, long editedTs, long entrySeq)
        implements ProjectionWrite {}

package io.parley.flink.records;

/**
 * A {@code message_deleted} folded into its target row of {@code messages_by_room}: a tombstone,
 * {@code body = null, media = null, deleted = true} at {@code ((roomId, bucket), targetSeq)}.
 *
 * @param bucket {@code SequencedMessage.bucketOf(targetSeq)}
 * @param entrySeq the deletion entry's seq
 */
public record MessageDeletion(String roomId, long bucket, long targetSeq, long entrySeq)
        implements ProjectionWrite {}

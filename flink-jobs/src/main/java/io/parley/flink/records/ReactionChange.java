package io.parley.flink.records;

/**
 * A {@code reaction} folded into its target row of {@code messages_by_room}: {@code
 * reactions[key()] = active}. One map entry per (emoji, user), kept with {@code false} when
 * removed, so a later reaction always overrides an earlier one.
 *
 * @param bucket {@code SequencedMessage.bucketOf(targetSeq)}
 * @param userId the reacting user (the entry's actor)
 * @param entrySeq the reaction entry's seq
 */
public record ReactionChange(
        String roomId,
        long bucket,
        long targetSeq,
        String emoji,
        String userId,
        boolean active,
        long entrySeq)
        implements ProjectionWrite {

    /** The map key of {@code reactions}: {@code emoji + "\n" + user_id}. */
    public String key() {
        return key(emoji, userId);
    }

    public static String key(String emoji, String userId) {
        return emoji + "\n" + userId;
    }
}

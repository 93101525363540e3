package io.parley.flink.records;

/**
 * A member joining a room ({@code room_created}'s initial members, {@code member_added}): its
 * {@code room_members} row and its {@code user_rooms} row.
 *
 * @param addedSeq the entry's seq, stored as {@code added_seq} (the order for automatic promotions)
 *     and used as the write timestamp
 */
public record MemberRow(String roomId, String userId, String role, long addedSeq)
        implements ProjectionWrite {

    @Override
    public long entrySeq() {
        return addedSeq;
    }
}

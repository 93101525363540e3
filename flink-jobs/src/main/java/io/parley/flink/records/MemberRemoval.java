package io.parley.flink.records;

/**
 * A {@code member_removed}: deletes the {@code room_members} and {@code user_rooms} rows with a
 * tombstone at {@code entrySeq}, which a later {@code member_added} (a higher seq) overrides.
 */
public record MemberRemoval(String roomId, String userId, long entrySeq)
        implements ProjectionWrite {}

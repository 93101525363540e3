package io.parley.flink.records;

/** A {@code role_changed}: {@code room_members.role = role}. */
public record RoleChange(String roomId, String userId, String role, long entrySeq)
        implements ProjectionWrite {}

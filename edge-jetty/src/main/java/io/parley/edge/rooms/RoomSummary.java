package io.parley.edge.rooms;

/** One row of {@code GET /v1/rooms}. */
public record RoomSummary(
        String roomId,
        String kind,
        String name,
        long lastSeq,
        long readSeq,
        long unread,
        String role,
        boolean encrypted) {}

package io.parley.flink.records;

/**
 * A {@code room_created} as its {@code rooms} row.
 *
 * @param kind direct or group
 * @param name null for a room without a name (left unset)
 * @param createdBy the entry's actor
 * @param createdAt the entry's ts
 * @param entrySeq the entry's seq (always 1)
 */
public record RoomRow(
        String roomId,
        String kind,
        String name,
        Boolean encrypted,
        String createdBy,
        long createdAt,
        long entrySeq)
        implements ProjectionWrite {}

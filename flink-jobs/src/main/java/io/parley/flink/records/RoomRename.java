package io.parley.flink.records;

/** A {@code room_renamed}: {@code rooms.name = name}. */
public record RoomRename(String roomId, String name, long entrySeq) implements ProjectionWrite {}

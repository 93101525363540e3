package io.parley.flink.records;

import java.util.Locale;

/** The kind of a room as stored in {@code parley.rooms.kind}; anything but 'direct' is a group. */
public enum RoomKind {
    DIRECT,
    GROUP;

    public static RoomKind of(String kind) {
        return kind != null && kind.toLowerCase(Locale.ROOT).equals("direct") ? DIRECT : GROUP;
    }
}

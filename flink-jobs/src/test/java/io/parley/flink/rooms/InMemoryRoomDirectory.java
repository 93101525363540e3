package io.parley.flink.rooms;

import io.parley.flink.records.Cursor;
import io.parley.flink.records.RoomKind;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A room directory for operator tests: rooms, member counts and stored cursors in maps. */
public final class InMemoryRoomDirectory
        implements RoomDirectory, RoomDirectory.Factory, Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, RoomKind> kinds = new HashMap<>();
    private final Map<String, Long> memberCounts = new HashMap<>();
    private final Map<String, Map<String, Cursor>> cursors = new HashMap<>();
    private final Set<String> privateReaders = new HashSet<>();
    private int cursorLookups;

    /** The user turned read receipts off. */
    public InMemoryRoomDirectory privateReader(String userId) {
        privateReaders.add(userId);
        return this;
    }

    public InMemoryRoomDirectory room(String roomId, RoomKind kind, long members) {
        kinds.put(roomId, kind);
        memberCounts.put(roomId, members);
        return this;
    }

    public InMemoryRoomDirectory storedCursor(String roomId, String userId, Cursor cursor) {
        cursors.computeIfAbsent(roomId, id -> new HashMap<>()).put(userId, cursor);
        return this;
    }

    public int cursorLookups() {
        return cursorLookups;
    }

    @Override
    public RoomDirectory open() {
        return this;
    }

    @Override
    public RoomKind kind(String roomId) {
        return kinds.getOrDefault(roomId, RoomKind.GROUP);
    }

    @Override
    public long memberCount(String roomId) {
        return memberCounts.getOrDefault(roomId, 0L);
    }

    @Override
    public Cursor cursor(String roomId, String userId) {
        cursorLookups++;
        return cursors.getOrDefault(roomId, Map.of()).getOrDefault(userId, Cursor.ZERO);
    }

    @Override
    public Map<String, Cursor> cursors(String roomId) {
        cursorLookups++;
        return new HashMap<>(cursors.getOrDefault(roomId, Map.of()));
    }

    @Override
    public boolean sharesReads(String userId) {
        return !privateReaders.contains(userId);
    }

    @Override
    public void close() {}
}

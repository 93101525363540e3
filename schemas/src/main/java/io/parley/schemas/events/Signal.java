package io.parley.schemas.events;

/**
 * An ephemeral signal on {@code events/signals}: a typing indicator in a room, or a user's presence
 * change (roomId null: it goes to the peers of every room of the user).
 */
public record Signal(
        Kind kind,
        String roomId,
        String userId,
        Boolean active,
        String status,
        Long lastSeen,
        long ts) {

    public enum Kind {
        TYPING,
        PRESENCE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Signal typing(String roomId, String userId, boolean active, long ts) {
        return new Signal(Kind.TYPING, roomId, userId, active, null, null, ts);
    }

    public static Signal presence(String userId, String status, Long lastSeen, long ts) {
        return new Signal(Kind.PRESENCE, null, userId, null, status, lastSeen, ts);
    }
}

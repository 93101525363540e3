package io.parley.schemas.events;

/**
 * An ephemeral signal on {@code events/signals}: a typing indicator in a room, a user's presence
 * change (roomId null: it goes to the peers of every room of the user), or a device's sign-out
 * ({@code deviceId}: it goes to the user's own gateways, which close that device's connections with
 * 4001; the sign-out itself is an entry of the user log), or a {@code to_device} message for a
 * device ({@code deviceId}, {@code message}: it goes to the user's gateways, which deliver it to
 * that device if connected; the message itself is an entry of the user log and waits in the
 * device's mailbox until acked).
 */
public record Signal(
        Kind kind,
        String roomId,
        String userId,
        Boolean active,
        String status,
        Long lastSeen,
        long ts,
        String deviceId,
        UserEvent.DeviceMessage message) {

    public enum Kind {
        TYPING,
        PRESENCE,
        SIGN_OUT,
        TO_DEVICE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Signal typing(String roomId, String userId, boolean active, long ts) {
        return new Signal(Kind.TYPING, roomId, userId, active, null, null, ts, null, null);
    }

    public static Signal signOut(String userId, String deviceId, long ts) {
        return new Signal(Kind.SIGN_OUT, null, userId, null, null, null, ts, deviceId, null);
    }

    public static Signal toDevice(
            String userId, String deviceId, UserEvent.DeviceMessage message, long ts) {
        return new Signal(Kind.TO_DEVICE, null, userId, null, null, null, ts, deviceId, message);
    }

    public static Signal presence(String userId, String status, Long lastSeen, long ts) {
        return new Signal(Kind.PRESENCE, null, userId, null, status, lastSeen, ts, null, null);
    }
}

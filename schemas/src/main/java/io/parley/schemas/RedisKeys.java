package io.parley.schemas;

/**
 * The Redis keys shared by the edge (writer) and the FanOut function (reader). Like topic names,
 * they are spelled only here.
 *
 * <p>Membership keys are projections of the room logs: FanOut applies each event before routing it,
 * and a replay rebuilds them the same way.
 *
 * <ul>
 *   <li>{@code members:<room>} set of user ids
 *   <li>{@code urooms:<user>} set of room ids (cache of user_rooms)
 *   <li>{@code sessions:<user>} hash device_id -> {@link SessionEntry} ({@code gateway|expiry})
 *   <li>{@code presence:<user>} status with a TTL; absent means offline
 *   <li>{@code lastseen:<user>} epoch ms of the last heartbeat or disconnect
 *   <li>{@code presence-deadlines} sorted set user -> epoch ms when its presence key expires, so a
 *       gateway can announce offline a user whose gateway died without closing its sockets
 *   <li>{@code lastseq:<room>} the room's newest sequenced seq (only ever raised)
 *   <li>{@code roominfo:<room>} hash kind, name, encrypted (live path's view of the room)
 *   <li>{@code privacy:<user>} hash of privacy settings
 * </ul>
 */
public final class RedisKeys {
    private RedisKeys() {}

    public static String members(String roomId) {
        return "members:" + roomId;
    }

    public static String userRooms(String userId) {
        return "urooms:" + userId;
    }

    public static String sessions(String userId) {
        return "sessions:" + userId;
    }

    public static String presence(String userId) {
        return "presence:" + userId;
    }

    public static String presenceDeadlines() {
        return "presence-deadlines";
    }

    public static String lastSeen(String userId) {
        return "lastseen:" + userId;
    }

    public static String lastSeq(String roomId) {
        return "lastseq:" + roomId;
    }

    public static String roomInfo(String roomId) {
        return "roominfo:" + roomId;
    }

    public static String privacy(String userId) {
        return "privacy:" + userId;
    }

    /** Raises {@code KEYS[1]} to {@code ARGV[1]} if that is higher; returns the value after. */
    public static final String RAISE_SCRIPT =
            "local c = tonumber(redis.call('get', KEYS[1]) or '0') "
                    + "local n = tonumber(ARGV[1]) "
                    + "if n > c then redis.call('set', KEYS[1], ARGV[1]) return n end "
                    + "return c";
}

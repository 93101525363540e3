package io.parley.schemas;

/**
 * The Redis keys shared by the edge (writer) and the FanOut function (reader). Like topic names,
 * they are spelled only here.
 *
 * <p>Membership keys are projections of the room logs: FanOut applies each event before routing it,
 * and a replay rebuilds them the same way.
 *
 * <ul>
 *   <li>{@code members:<room>} set of user ids; {@code memberseq:<room>} hash user -> seq of the
 *       last membership event applied (so an older event never undoes a newer one)
 *   <li>{@code urooms:<user>} set of room ids (cache of user_rooms)
 *   <li>{@code sessions:<user>} hash device_id -> {@link SessionEntry} ({@code
 *       gateway|expiry|status})
 *   <li>{@code devseen:<user>} hash device_id -> epoch ms the device was last connected (ephemeral,
 *       like {@code lastseen})
 *   <li>{@code signedout:<user>} hash device_id -> epoch ms of the device's latest sign-out (a
 *       projection of the user log: tokens of that device issued before it are refused)
 *   <li>{@code presence:<user>} status with a TTL; absent means offline
 *   <li>{@code lastseen:<user>} epoch ms of the last heartbeat or disconnect
 *   <li>{@code presence-deadlines} sorted set user -> epoch ms when its presence key expires, so a
 *       gateway can announce offline a user whose gateway died without closing its sockets
 *   <li>{@code lastseq:<room>} the room's newest sequenced seq (only ever raised)
 *   <li>{@code roominfo:<room>} hash kind, name, encrypted, seq (the live path's view of the room)
 *   <li>{@code spoke:<user>} set of rooms in which the user has sent a message (consent for
 *       "contacts")
 *   <li>{@code keydevs:<user>} set of the user's devices with keys; {@code keys:<user>:<device>}
 *       hash identity_key, signing_key, signed_prekey (JSON), v (the {@link LogPosition} of the
 *       upload); {@code otk:<user>:<device>} hash key_id -> public key of the unclaimed one-time
 *       prekeys; {@code otkc:<user>:<device>} set of the claimed key ids (a claimed key is never
 *       added again): projections of the user log, PROTOCOL.md section 6
 *   <li>{@code todev:<user>:<device>} sorted set of the ids of the device's waiting {@code
 *       to_device} messages by their order; {@code todevm:<user>:<device>} hash id -> the frame
 *       (JSON); {@code todevgone:<user>:<device>} sorted set of acked or dropped ids (never added
 *       again; the newest 5,000 kept); {@code todevdrop:<user>:<device>} how many were dropped
 *       since the device last connected: projections of the user log ({@link DeviceMailbox})
 *   <li>{@code privacy:<user>} hash of privacy settings and {@code v}, the {@link LogPosition} of
 *       the user-log entry they come from
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

    public static String deviceSeen(String userId) {
        return "devseen:" + userId;
    }

    public static String signedOut(String userId) {
        return "signedout:" + userId;
    }

    public static String keyDevices(String userId) {
        return "keydevs:" + userId;
    }

    public static String keys(String userId, String deviceId) {
        return "keys:" + userId + ":" + deviceId;
    }

    public static String oneTimeKeys(String userId, String deviceId) {
        return "otk:" + userId + ":" + deviceId;
    }

    public static String claimedKeys(String userId, String deviceId) {
        return "otkc:" + userId + ":" + deviceId;
    }

    public static String mailbox(String userId, String deviceId) {
        return "todev:" + userId + ":" + deviceId;
    }

    public static String mailboxFrames(String userId, String deviceId) {
        return "todevm:" + userId + ":" + deviceId;
    }

    public static String mailboxGone(String userId, String deviceId) {
        return "todevgone:" + userId + ":" + deviceId;
    }

    public static String mailboxDropped(String userId, String deviceId) {
        return "todevdrop:" + userId + ":" + deviceId;
    }

    /**
     * A {@code to_device} entry: {@code KEYS = todev:, todevm:, todevgone:, todevdrop: (of the
     * target device), signedout:<user>}, {@code ARGV = device, entry ts, id, order, frame JSON,
     * cap}. Skipped for a device signed out at or after the entry, or an id already waiting, acked
     * or dropped. Past {@code cap} waiting the oldest are dropped (counted, and never added again).
     * Returns 1 if added. Idempotent, so the edge (after its append) and a replay may both apply
     * it.
     */
    public static final String MAILBOX_ADD_SCRIPT =
            "local out = tonumber(redis.call('hget', KEYS[5], ARGV[1]) or '0') "
                    + "if out >= tonumber(ARGV[2]) then return 0 end "
                    + "if redis.call('zscore', KEYS[3], ARGV[3]) then return 0 end "
                    + "if redis.call('zadd', KEYS[1], 'NX', ARGV[4], ARGV[3]) == 0 then return 0 end "
                    + "redis.call('hset', KEYS[2], ARGV[3], ARGV[5]) "
                    + "local over = redis.call('zcard', KEYS[1]) - tonumber(ARGV[6]) "
                    + "if over > 0 then "
                    + "local old = redis.call('zrange', KEYS[1], 0, over - 1) "
                    + "for _, id in ipairs(old) do redis.call('zadd', KEYS[3], ARGV[2], id) end "
                    + "redis.call('zrem', KEYS[1], unpack(old)) "
                    + "redis.call('hdel', KEYS[2], unpack(old)) "
                    + "redis.call('incrby', KEYS[4], #old) "
                    + "redis.call('zremrangebyrank', KEYS[3], 0, -5001) end "
                    + "return 1";

    /**
     * A {@code to_device_acked} entry: {@code KEYS = todev:, todevm:, todevgone:}, {@code ARGV =
     * id, entry ts}. The message goes and is never added again.
     */
    public static final String MAILBOX_ACK_SCRIPT =
            "redis.call('zrem', KEYS[1], ARGV[1]) redis.call('hdel', KEYS[2], ARGV[1]) "
                    + "redis.call('zadd', KEYS[3], ARGV[2], ARGV[1]) "
                    + "redis.call('zremrangebyrank', KEYS[3], 0, -5001) return 1";

    /** A device's sign-out: its waiting messages go. {@code KEYS = todev:, todevm:, todevdrop:}. */
    public static final String MAILBOX_CLEAR_SCRIPT =
            "redis.call('del', KEYS[1], KEYS[2], KEYS[3]) return 1";

    /**
     * A device connects: {@code KEYS = todev:, todevm:, todevdrop:}. Returns {@code [dropped count,
     * frame, frame...]} (the waiting frames oldest first) and resets the dropped count.
     */
    public static final String MAILBOX_TAKE_SCRIPT =
            "local d = tonumber(redis.call('get', KEYS[3]) or '0') redis.call('del', KEYS[3]) "
                    + "local ids = redis.call('zrange', KEYS[1], 0, -1) local out = {tostring(d)} "
                    + "if #ids > 0 then local f = redis.call('hmget', KEYS[2], unpack(ids)) "
                    + "for _, v in ipairs(f) do if v then table.insert(out, v) end end end "
                    + "return out";

    /**
     * A device's key upload: {@code KEYS = keydevs:<user>, keys:<user>:<device>,
     * otk:<user>:<device>, otkc:<user>:<device>, signedout:<user>}, {@code ARGV = device, upload
     * ts, version, identity_key, signing_key, signed_prekey JSON or "", then key_id, public_key
     * pairs}. Skipped for a device signed out at or after the upload; the bundle only if newer than
     * the hash's {@code v}; a one-time prekey only if never claimed. Idempotent and
     * order-independent, so the edge (after its append) and a replay may both apply it.
     */
    public static final String KEYS_UPLOAD_SCRIPT =
            "local out = tonumber(redis.call('hget', KEYS[5], ARGV[1]) or '0') "
                    + "if out >= tonumber(ARGV[2]) then return 0 end "
                    + "redis.call('sadd', KEYS[1], ARGV[1]) "
                    + "local c = redis.call('hget', KEYS[2], 'v') "
                    + "if not c or c < ARGV[3] then "
                    + "redis.call('hset', KEYS[2], 'v', ARGV[3], 'identity_key', ARGV[4],"
                    + " 'signing_key', ARGV[5]) "
                    + "if ARGV[6] ~= '' then redis.call('hset', KEYS[2], 'signed_prekey', ARGV[6])"
                    + " end end "
                    + "for i = 7, #ARGV, 2 do "
                    + "if redis.call('sismember', KEYS[4], ARGV[i]) == 0 then "
                    + "redis.call('hset', KEYS[3], ARGV[i], ARGV[i + 1]) end end "
                    + "return 1";

    /**
     * Hands out one unclaimed one-time prekey of a device, atomically (so two gateways racing never
     * get the same): {@code KEYS = otk:<user>:<device>, otkc:<user>:<device>}. Returns {@code
     * [key_id, public_key]} or nil. Also applies a logged claim ({@code ARGV[1]} = its key id):
     * then it only marks that key claimed.
     */
    public static final String CLAIM_PREKEY_SCRIPT =
            "if ARGV[1] then redis.call('sadd', KEYS[2], ARGV[1]) "
                    + "redis.call('hdel', KEYS[1], ARGV[1]) return nil end "
                    + "local f = redis.call('hrandfield', KEYS[1], 1, 'withvalues') "
                    + "if #f == 0 then return nil end "
                    + "redis.call('sadd', KEYS[2], f[1]) redis.call('hdel', KEYS[1], f[1]) "
                    + "return f";

    /**
     * A signed-out device's keys go: {@code KEYS = keydevs:<user>, keys:, otk:}, {@code ARGV[1]}.
     */
    public static final String KEYS_REMOVE_SCRIPT =
            "redis.call('srem', KEYS[1], ARGV[1]) redis.call('del', KEYS[2], KEYS[3]) return 1";

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

    public static String memberSeqs(String roomId) {
        return "memberseq:" + roomId;
    }

    public static String spoke(String userId) {
        return "spoke:" + userId;
    }

    /**
     * Applies one membership change if it is newer than the last applied for that member: {@code
     * KEYS = members:<room>, memberseq:<room>, urooms:<user>}, {@code ARGV = user, room, seq,
     * "add"|"remove"}. Returns 1 if applied. Idempotent and order-independent, so the live path
     * (FanOut) and a replay (the persistence job) may both apply the same log.
     */
    public static final String MEMBERSHIP_SCRIPT =
            "local c = tonumber(redis.call('hget', KEYS[2], ARGV[1]) or '0') "
                    + "local n = tonumber(ARGV[3]) "
                    + "if n <= c then return 0 end "
                    + "redis.call('hset', KEYS[2], ARGV[1], ARGV[3]) "
                    + "if ARGV[4] == 'add' then "
                    + "redis.call('sadd', KEYS[1], ARGV[1]) redis.call('sadd', KEYS[3], ARGV[2]) "
                    + "else "
                    + "redis.call('srem', KEYS[1], ARGV[1]) redis.call('srem', KEYS[3], ARGV[2]) "
                    + "end return 1";

    /**
     * Sets hash fields if the version is newer than the hash's {@code v} field: {@code KEYS[1]} the
     * hash, {@code ARGV = version, field, value, field, value...}. Returns 1 if applied. For {@code
     * roominfo:<room>} the version is the entry's seq, zero-padded ({@link #seqVersion}); for
     * {@code privacy:<user>} a {@link LogPosition}.
     */
    public static final String VERSIONED_HSET_SCRIPT =
            "local c = redis.call('hget', KEYS[1], 'v') "
                    + "if c and c >= ARGV[1] then return 0 end "
                    + "redis.call('hset', KEYS[1], 'v', ARGV[1]) "
                    + "for i = 2, #ARGV, 2 do redis.call('hset', KEYS[1], ARGV[i], ARGV[i + 1]) end "
                    + "return 1";

    /** A seq as a version string that sorts like the number. */
    public static String seqVersion(long seq) {
        return String.format("%019d", seq);
    }

    public static String privacy(String userId) {
        return "privacy:" + userId;
    }

    /**
     * Raises hash field {@code ARGV[1]} of {@code KEYS[1]} to {@code ARGV[2]} if that is higher;
     * returns 1 if it did. Idempotent and order-independent (a replay writes the same maximum).
     */
    public static final String RAISE_FIELD_SCRIPT =
            "local c = tonumber(redis.call('hget', KEYS[1], ARGV[1]) or '0') "
                    + "if tonumber(ARGV[2]) > c then redis.call('hset', KEYS[1], ARGV[1], ARGV[2]) "
                    + "return 1 end return 0";

    /** Raises {@code KEYS[1]} to {@code ARGV[1]} if that is higher; returns the value after. */
    public static final String RAISE_SCRIPT =
            "local c = tonumber(redis.call('get', KEYS[1]) or '0') "
                    + "local n = tonumber(ARGV[1]) "
                    + "if n > c then redis.call('set', KEYS[1], ARGV[1]) return n end "
                    + "return c";
}

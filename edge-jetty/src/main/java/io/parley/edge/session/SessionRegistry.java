package io.parley.edge.session;

import io.parley.schemas.RedisKeys;
import io.parley.schemas.SessionEntry;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;

/**
 * Session routing in Redis: {@code sessions:<user>} maps each connected device to this gateway with
 * an expiry and the device's presence status, refreshed by heartbeats; the hash itself expires with
 * its newest entry. {@code devseen:<user>} keeps when each device was last connected.
 */
public final class SessionRegistry {
    private static final String REMOVE_IF_MINE =
            "local v = redis.call('hget', KEYS[1], ARGV[1]) "
                    + "if v and string.sub(v, 1, string.len(ARGV[2]) + 1) == ARGV[2] .. '|' then "
                    + "redis.call('hdel', KEYS[1], ARGV[1]) return 1 end return 0";

    private final JedisPooled redis;
    private final String gatewayId;
    private final long ttlMs;

    public SessionRegistry(JedisPooled redis, String gatewayId, long ttlMs) {
        this.redis = redis;
        this.gatewayId = gatewayId;
        this.ttlMs = ttlMs;
    }

    /**
     * Routes the device to this gateway until now + ttl with its presence {@code status} (also a
     * heartbeat refresh).
     */
    public void register(String userId, String deviceId, String status, long now) {
        String key = RedisKeys.sessions(userId);
        // one round trip per heartbeat and connection
        try (Pipeline p = redis.pipelined()) {
            p.hset(key, deviceId, new SessionEntry(gatewayId, now + ttlMs, status).encode());
            p.pexpire(key, ttlMs);
            p.hset(RedisKeys.deviceSeen(userId), deviceId, Long.toString(now));
            p.sync();
        }
    }

    /** Removes the device's route unless another gateway has taken it over since. */
    public void unregister(String userId, String deviceId, long now) {
        redis.eval(
                REMOVE_IF_MINE, List.of(RedisKeys.sessions(userId)), List.of(deviceId, gatewayId));
        redis.hset(RedisKeys.deviceSeen(userId), deviceId, Long.toString(now));
    }

    /** The user's routed devices (live or stale: see {@link SessionEntry#liveAt}). */
    public Map<String, SessionEntry> devices(String userId) {
        Map<String, SessionEntry> out = new java.util.TreeMap<>();
        redis.hgetAll(RedisKeys.sessions(userId))
                .forEach((device, raw) -> out.put(device, SessionEntry.decode(raw)));
        return out;
    }

    /** When each of the user's devices was last connected (epoch ms). */
    public Map<String, Long> lastSeen(String userId) {
        Map<String, Long> out = new java.util.TreeMap<>();
        redis.hgetAll(RedisKeys.deviceSeen(userId))
                .forEach((device, ms) -> out.put(device, Long.parseLong(ms)));
        return out;
    }

    /** Whether the user has any live device on any gateway. */
    public boolean anyLive(String userId, long now) {
        return devices(userId).values().stream().anyMatch(e -> e.liveAt(now));
    }
}

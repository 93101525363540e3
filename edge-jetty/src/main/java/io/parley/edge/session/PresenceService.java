package io.parley.edge.session;

import io.parley.schemas.RedisKeys;
import io.parley.schemas.events.Signal;
import java.util.function.Consumer;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * Presence with Redis TTL: {@code presence:<user>} holds online/away for {@code ttl}, refreshed by
 * heartbeats; absent means offline. {@code lastseen:<user>} is the last heartbeat or disconnect.
 * Peers are told only of changes (a signal per change, never per heartbeat).
 */
public final class PresenceService {
    public static final String ONLINE = "online";
    public static final String AWAY = "away";
    public static final String OFFLINE = "offline";

    private final JedisPooled redis;
    private final long ttlMs;
    private final Consumer<Signal> signals;

    public PresenceService(JedisPooled redis, long ttlMs, Consumer<Signal> signals) {
        this.redis = redis;
        this.ttlMs = ttlMs;
        this.signals = signals;
    }

    public record State(String status, Long lastSeen) {}

    /** Sets the status; announces it if it differs from what peers knew. */
    public void set(String userId, String status, long now) {
        String previous =
                redis.setGet(RedisKeys.presence(userId), status, SetParams.setParams().px(ttlMs));
        redis.set(RedisKeys.lastSeen(userId), Long.toString(now));
        if (!status.equals(previous)) {
            signals.accept(Signal.presence(userId, status, now, now));
        }
    }

    /** A heartbeat: keeps the current status alive without announcing anything. */
    public void refresh(String userId, long now) {
        String key = RedisKeys.presence(userId);
        if (redis.pexpire(key, ttlMs) == 0) {
            set(userId, ONLINE, now);
            return;
        }
        redis.set(RedisKeys.lastSeen(userId), Long.toString(now));
    }

    /** The user's last device went away. */
    public void offline(String userId, long now) {
        redis.del(RedisKeys.presence(userId));
        redis.set(RedisKeys.lastSeen(userId), Long.toString(now));
        signals.accept(Signal.presence(userId, OFFLINE, now, now));
    }

    public State get(String userId) {
        String status = redis.get(RedisKeys.presence(userId));
        String lastSeen = redis.get(RedisKeys.lastSeen(userId));
        return new State(
                status == null ? OFFLINE : status,
                lastSeen == null ? null : Long.parseLong(lastSeen));
    }
}

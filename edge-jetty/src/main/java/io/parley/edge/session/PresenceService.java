package io.parley.edge.session;

import io.parley.schemas.RedisKeys;
import io.parley.schemas.SessionEntry;
import io.parley.schemas.events.Signal;
import java.util.List;
import java.util.function.Consumer;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * Presence with Redis TTL: {@code presence:<user>} holds online/away for {@code ttl}, refreshed by
 * heartbeats; absent means offline. It is the aggregate over the user's devices (PROTOCOL.md
 * section 5): {@code online} if any live device in {@code sessions:<user>} is, {@code away} if all
 * are. {@code lastseen:<user>} is the last heartbeat or disconnect. Peers are told only of changes
 * (a signal per change, never per heartbeat).
 *
 * <p>A user whose gateway died without closing its sockets goes offline when the key expires, with
 * nobody to say so: every gateway sweeps {@code presence-deadlines} (when each user's key expires)
 * and announces those past due whose key is gone. Removing the user from the set and checking the
 * key is one atomic step, so exactly one gateway announces it, and never a user who came back
 * meanwhile.
 */
public final class PresenceService {
    public static final String ONLINE = "online";
    public static final String AWAY = "away";
    public static final String OFFLINE = "offline";

    /** Removes a past-due user whose presence key is gone; 1 if this call removed it. */
    private static final String TAKE_EXPIRED =
            "local due = redis.call('ZSCORE', KEYS[1], ARGV[1]) "
                    + "if due and tonumber(due) <= tonumber(ARGV[2]) "
                    + "and redis.call('EXISTS', KEYS[2]) == 0 then "
                    + "return redis.call('ZREM', KEYS[1], ARGV[1]) end "
                    + "return 0";

    private static final int SWEEP_BATCH = 500;

    private final JedisPooled redis;
    private final SessionRegistry sessions;
    private final long ttlMs;
    private final Consumer<Signal> signals;

    public PresenceService(
            JedisPooled redis, SessionRegistry sessions, long ttlMs, Consumer<Signal> signals) {
        this.redis = redis;
        this.sessions = sessions;
        this.ttlMs = ttlMs;
        this.signals = signals;
    }

    /**
     * A device of the user connected, disconnected or changed its status: sets the aggregate over
     * the user's live devices (announcing a change), or offline when none is left.
     */
    public void devicesChanged(String userId, long now) {
        String status = SessionEntry.aggregate(sessions.devices(userId).values(), now);
        if (status == null) {
            offline(userId, now);
        } else {
            set(userId, status, now);
        }
    }

    public record State(String status, Long lastSeen) {}

    /** Sets the user's status; announces it if it differs from what peers knew. */
    void set(String userId, String status, long now) {
        String previous =
                redis.setGet(RedisKeys.presence(userId), status, SetParams.setParams().px(ttlMs));
        redis.set(RedisKeys.lastSeen(userId), Long.toString(now));
        redis.zadd(RedisKeys.presenceDeadlines(), now + ttlMs, userId);
        if (!status.equals(previous)) {
            signals.accept(Signal.presence(userId, status, now, now));
        }
    }

    /** A heartbeat: keeps the current status alive without announcing anything. */
    public void refresh(String userId, long now) {
        String key = RedisKeys.presence(userId);
        if (redis.pexpire(key, ttlMs) == 0) {
            devicesChanged(userId, now);
            return;
        }
        redis.set(RedisKeys.lastSeen(userId), Long.toString(now));
        redis.zadd(RedisKeys.presenceDeadlines(), now + ttlMs, userId);
    }

    /** The user's last device went away. */
    void offline(String userId, long now) {
        redis.del(RedisKeys.presence(userId));
        redis.zrem(RedisKeys.presenceDeadlines(), userId);
        redis.set(RedisKeys.lastSeen(userId), Long.toString(now));
        signals.accept(Signal.presence(userId, OFFLINE, now, now));
    }

    /**
     * Announces offline the users whose presence expired without a disconnect; returns how many
     * this gateway announced.
     */
    public int announceExpired(long now) {
        List<String> due =
                redis.zrangeByScore(RedisKeys.presenceDeadlines(), 0, now, 0, SWEEP_BATCH);
        int announced = 0;
        for (String userId : due) {
            Object taken =
                    redis.eval(
                            TAKE_EXPIRED,
                            List.of(RedisKeys.presenceDeadlines(), RedisKeys.presence(userId)),
                            List.of(userId, Long.toString(now)));
            if (Long.valueOf(1).equals(taken)) {
                String seen = redis.get(RedisKeys.lastSeen(userId));
                long lastSeen = seen == null ? now : Long.parseLong(seen);
                signals.accept(Signal.presence(userId, OFFLINE, lastSeen, now));
                announced++;
            }
        }
        return announced;
    }

    public State get(String userId) {
        String status = redis.get(RedisKeys.presence(userId));
        String lastSeen = redis.get(RedisKeys.lastSeen(userId));
        return new State(
                status == null ? OFFLINE : status,
                lastSeen == null ? null : Long.parseLong(lastSeen));
    }
}

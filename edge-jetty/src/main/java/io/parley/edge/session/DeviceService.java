package io.parley.edge.session;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.parley.edge.auth.TokenService;
import io.parley.edge.delivery.UserLog;
import io.parley.schemas.DeviceMailbox;
import io.parley.schemas.KeyDirectory;
import io.parley.schemas.RedisKeys;
import io.parley.schemas.SessionEntry;
import io.parley.schemas.events.Signal;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import io.parley.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.JedisPooled;

/**
 * A user's devices (PROTOCOL.md section 5). Every change is an entry of the user's log: {@code
 * device_seen} (the first connection of a device, or the first after its sign-out), {@code
 * device_registered} (a push token), {@code device_signed_out}. Cassandra {@code user_devices} and
 * {@code devices} (push tokens) and Redis {@code signedout:<user>} are their projections; whether a
 * device is connected and when it was last seen are ephemeral ({@code sessions:<user>}, {@code
 * devseen:<user>}).
 *
 * <p>A sign-out answers once its entry is durable and {@code signedout:<user>} holds it: the edge
 * raises that field itself after the append (the projection raises the same value, so the two
 * commute), so from then on every gateway refuses the device's tokens issued before it. Its live
 * connections are closed with 4001 by a signal routed to the user's gateways.
 */
public final class DeviceService {
    private static final Logger LOG = Logger.getLogger(DeviceService.class.getName());
    private static final Set<String> PLATFORMS = Set.of("android", "ios", "web");
    private static final int MAX_TOKEN_CHARS = 4096;

    /** A device as {@code GET /v1/devices} lists it. */
    public record Device(
            String deviceId,
            String platform,
            boolean connected,
            Long lastSeen,
            boolean push,
            boolean keys) {}

    private final CqlSession cql;
    private final JedisPooled redis;
    private final SessionRegistry sessions;
    private final UserLog log;
    private final Function<UserEvent, ?> appendAsync;
    private final Consumer<Signal> signals;
    private final Clock clock;
    private final PreparedStatement selectState;
    private final PreparedStatement selectStates;
    private final PreparedStatement selectPush;

    /** {@code user|device} -> the {@code seen_at} known to be in the log (no append needed). */
    private final Cache<String, Long> seen =
            Caffeine.newBuilder()
                    .maximumSize(100_000)
                    .expireAfterAccess(Duration.ofHours(1))
                    .build();

    public DeviceService(
            CqlSession cql,
            JedisPooled redis,
            SessionRegistry sessions,
            UserLog log,
            Function<UserEvent, ?> appendAsync,
            Consumer<Signal> signals,
            Clock clock) {
        this.cql = cql;
        this.redis = redis;
        this.sessions = sessions;
        this.log = log;
        this.appendAsync = appendAsync;
        this.signals = signals;
        this.clock = clock;
        this.selectState =
                cql.prepare(
                        "SELECT seen_at, signed_out_at FROM parley.user_devices"
                                + " WHERE user_id = ? AND device_id = ?");
        this.selectStates =
                cql.prepare(
                        "SELECT device_id, seen_at, signed_out_at FROM parley.user_devices"
                                + " WHERE user_id = ?");
        this.selectPush =
                cql.prepare(
                        "SELECT device_id, platform, push_token FROM parley.devices"
                                + " WHERE user_id = ?");
    }

    /**
     * A WebSocket of {@code deviceId} may open: refuses (401) a token issued before the device's
     * latest sign-out, and logs {@code device_seen} when the log does not list the device yet.
     */
    public void admit(TokenService.Principal who, String deviceId) {
        String key = who.userId() + "|" + deviceId;
        Long signedOut = redisSignedOut(who.userId(), deviceId);
        Long knownSeen = seen.getIfPresent(key);
        if (knownSeen != null && (signedOut == null || knownSeen > signedOut)) {
            refuseIfBefore(who, signedOut);
            return;
        }
        Row row = cql.execute(selectState.bind(who.userId(), deviceId)).one();
        Long seenAt = row == null || row.isNull("seen_at") ? null : row.getLong("seen_at");
        if (row != null && !row.isNull("signed_out_at")) {
            signedOut = max(signedOut, row.getLong("signed_out_at"));
        }
        refuseIfBefore(who, signedOut);
        if (seenAt == null || (signedOut != null && seenAt <= signedOut)) {
            long now = Math.max(clock.millis(), signedOut == null ? 0 : signedOut + 1);
            appendAsync.apply(
                    UserEvent.deviceSeen(
                            who.userId(), UUID.randomUUID().toString(), now, deviceId));
            seenAt = now;
        }
        seen.put(key, seenAt);
    }

    /** An HTTP call with a device-bound token: refused (401) if the device was signed out since. */
    public void check(TokenService.Principal who) {
        if (who.deviceId() != null) {
            refuseIfBefore(who, redisSignedOut(who.userId(), who.deviceId()));
        }
    }

    private static void refuseIfBefore(TokenService.Principal who, Long signedOut) {
        // iat has second precision: a token of the same second as the sign-out is refused too
        if (signedOut != null && (who.issuedAt() == null || who.issuedAt() < signedOut)) {
            throw new TokenService.InvalidTokenException(
                    "this device was signed out; sign in again");
        }
    }

    private Long redisSignedOut(String userId, String deviceId) {
        String v = redis.hget(RedisKeys.signedOut(userId), deviceId);
        return v == null ? null : Long.parseLong(v);
    }

    /**
     * The caller's devices: signed in (connected, registered for push or with keys) and not signed
     * out since.
     */
    public List<Device> list(String userId) {
        long now = clock.millis();
        Map<String, SessionEntry> live = sessions.devices(userId);
        Map<String, Long> lastSeen = sessions.lastSeen(userId);
        Map<String, Long> listed = new TreeMap<>();
        for (Row r : cql.execute(selectStates.bind(userId))) {
            Long seenAt = r.isNull("seen_at") ? null : r.getLong("seen_at");
            Long out = r.isNull("signed_out_at") ? null : r.getLong("signed_out_at");
            if (seenAt != null && (out == null || seenAt > out)) {
                listed.put(r.getString("device_id"), seenAt);
            }
        }
        Map<String, Row> push = new TreeMap<>();
        for (Row r : cql.execute(selectPush.bind(userId))) {
            push.put(r.getString("device_id"), r);
        }
        // the projection may lag a connection or a registration that just happened
        for (Map.Entry<String, SessionEntry> s : live.entrySet()) {
            if (s.getValue().liveAt(now)) {
                listed.putIfAbsent(s.getKey(), null);
            }
        }
        push.keySet().forEach(d -> listed.putIfAbsent(d, null));
        Set<String> withKeys = redis.smembers(RedisKeys.keyDevices(userId));
        withKeys.forEach(d -> listed.putIfAbsent(d, null));
        // signed out since it was last seen signing in: gone, whatever a lagging projection (its
        // push row, its last session entry) still says
        Map<String, String> signedOut = redis.hgetAll(RedisKeys.signedOut(userId));
        listed.entrySet()
                .removeIf(
                        d -> {
                            String out = signedOut.get(d.getKey());
                            return out != null
                                    && (d.getValue() == null
                                            || d.getValue() <= Long.parseLong(out));
                        });
        List<Device> out = new ArrayList<>();
        for (Map.Entry<String, Long> d : listed.entrySet()) {
            String id = d.getKey();
            Row p = push.get(id);
            SessionEntry s = live.get(id);
            out.add(
                    new Device(
                            id,
                            p == null ? null : p.getString("platform"),
                            s != null && s.liveAt(now),
                            lastSeen.getOrDefault(id, d.getValue()),
                            p != null && !p.isNull("push_token"),
                            withKeys.contains(id)));
        }
        return out;
    }

    /**
     * Signs a device out: its entry in the log, then its sign-out time in {@code signedout:<user>},
     * then the signal that closes its connections. {@code not_found} if the caller has no such
     * device.
     */
    public void signOut(String userId, String deviceId) {
        if (!Topics.ID.matcher(deviceId).matches()
                || list(userId).stream().noneMatch(d -> d.deviceId().equals(deviceId))) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no device " + deviceId);
        }
        long now = clock.millis();
        log.append(UserEvent.deviceSignedOut(userId, UUID.randomUUID().toString(), now, deviceId));
        redis.eval(
                RedisKeys.RAISE_FIELD_SCRIPT,
                List.of(RedisKeys.signedOut(userId)),
                List.of(deviceId, Long.toString(now)));
        // its keys go with it (the projection removes them too, after the same entry)
        KeyDirectory.Call removal = KeyDirectory.remove(userId, deviceId);
        redis.eval(removal.script(), removal.keys(), removal.args());
        // and what waited for it (the projection clears it too, after the same entry)
        KeyDirectory.Call clear = DeviceMailbox.clear(userId, deviceId);
        redis.eval(clear.script(), clear.keys(), clear.args());
        seen.invalidate(userId + "|" + deviceId);
        try {
            signals.accept(Signal.signOut(userId, deviceId, now));
        } catch (RuntimeException e) {
            // the sign-out holds (its tokens are refused); its open connections stay until they
            // drop
            LOG.log(Level.WARNING, "could not signal the sign-out of " + deviceId, e);
        }
    }

    public void register(String userId, String deviceId, String platform, String pushToken) {
        if (!Topics.ID.matcher(deviceId).matches()) {
            throw bad("device_id must be 1-64 chars of [A-Za-z0-9_-]");
        }
        if (!PLATFORMS.contains(platform)) {
            throw bad("platform must be one of " + PLATFORMS);
        }
        if (pushToken.isBlank() || pushToken.length() > MAX_TOKEN_CHARS) {
            throw bad("push_token must be 1-" + MAX_TOKEN_CHARS + " chars");
        }
        log.append(
                UserEvent.deviceRegistered(
                        userId,
                        UUID.randomUUID().toString(),
                        clock.millis(),
                        deviceId,
                        platform,
                        pushToken));
    }

    private static Long max(Long a, long b) {
        return a == null ? b : Math.max(a, b);
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, message);
    }
}

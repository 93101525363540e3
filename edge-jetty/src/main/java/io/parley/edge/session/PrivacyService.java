package io.parley.edge.session;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.schemas.RedisKeys;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.JedisPooled;

/**
 * Per-user privacy: who sees my online status and my last seen ({@code everyone}, {@code contacts}
 * = people I share a room with, {@code nobody}), and whether I send read receipts. Cassandra {@code
 * user_settings} is the truth, Redis {@code privacy:<user>} the cache every edge reads on the hot
 * path.
 */
public final class PrivacyService {
    public static final String EVERYONE = "everyone";
    public static final String CONTACTS = "contacts";
    public static final String NOBODY = "nobody";
    private static final Set<String> VISIBILITIES = Set.of(EVERYONE, CONTACTS, NOBODY);

    public record Settings(
            String onlineVisibility, String lastSeenVisibility, boolean readReceipts) {
        public static final Settings DEFAULT = new Settings(EVERYONE, EVERYONE, true);
    }

    /** What a viewer may see of a subject's presence. */
    public record Visible(String status, Long lastSeen) {}

    private final CqlSession cql;
    private final JedisPooled redis;
    private final PreparedStatement upsert;
    private final PreparedStatement select;

    public PrivacyService(CqlSession cql, JedisPooled redis) {
        this.cql = cql;
        this.redis = redis;
        upsert =
                cql.prepare(
                        "INSERT INTO parley.user_settings (user_id, online_visibility,"
                                + " last_seen_visibility, read_receipts) VALUES (?, ?, ?, ?)");
        select =
                cql.prepare(
                        "SELECT online_visibility, last_seen_visibility, read_receipts"
                                + " FROM parley.user_settings WHERE user_id = ?");
    }

    public Settings get(String userId) {
        Map<String, String> cached = redis.hgetAll(RedisKeys.privacy(userId));
        if (!cached.isEmpty()) {
            return new Settings(
                    cached.get("online"),
                    cached.get("last_seen"),
                    Boolean.parseBoolean(cached.get("read_receipts")));
        }
        Row row = cql.execute(select.bind(userId)).one();
        Settings s =
                row == null
                        ? Settings.DEFAULT
                        : new Settings(
                                row.getString("online_visibility"),
                                row.getString("last_seen_visibility"),
                                row.getBoolean("read_receipts"));
        cache(userId, s);
        return s;
    }

    public Settings update(String userId, String online, String lastSeen, Boolean readReceipts) {
        Settings current = get(userId);
        Settings next =
                new Settings(
                        online == null ? current.onlineVisibility() : check(online),
                        lastSeen == null ? current.lastSeenVisibility() : check(lastSeen),
                        readReceipts == null ? current.readReceipts() : readReceipts);
        cql.execute(
                upsert.bind(
                        userId,
                        next.onlineVisibility(),
                        next.lastSeenVisibility(),
                        next.readReceipts()));
        cache(userId, next);
        return next;
    }

    /**
     * The presence of {@code subject} as {@code viewer} may see it, or null if the viewer may see
     * nothing. A user always sees their own.
     */
    public Visible presenceFor(String subject, String viewer, String status, Long lastSeen) {
        if (subject.equals(viewer)) {
            return new Visible(status, lastSeen);
        }
        Settings s = get(subject);
        boolean contact = false;
        boolean needContact =
                CONTACTS.equals(s.onlineVisibility()) || CONTACTS.equals(s.lastSeenVisibility());
        if (needContact) {
            contact = sharesRoom(subject, viewer);
        }
        if (!allowed(s.onlineVisibility(), contact)) {
            return null;
        }
        return new Visible(status, allowed(s.lastSeenVisibility(), contact) ? lastSeen : null);
    }

    private boolean sharesRoom(String a, String b) {
        return !redis.sinter(RedisKeys.userRooms(a), RedisKeys.userRooms(b)).isEmpty();
    }

    private static boolean allowed(String visibility, boolean contact) {
        return EVERYONE.equals(visibility) || (CONTACTS.equals(visibility) && contact);
    }

    private void cache(String userId, Settings s) {
        redis.hset(
                RedisKeys.privacy(userId),
                Map.of(
                        "online", s.onlineVisibility(),
                        "last_seen", s.lastSeenVisibility(),
                        "read_receipts", Boolean.toString(s.readReceipts())));
    }

    private static String check(String visibility) {
        if (!VISIBILITIES.contains(visibility)) {
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST, "visibility must be one of " + VISIBILITIES);
        }
        return visibility;
    }
}

package io.parley.edge.session;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.edge.delivery.UserLog;
import io.parley.schemas.RedisKeys;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import redis.clients.jedis.JedisPooled;

/**
 * Per-user privacy: who sees my online status and my last seen, whether I send read receipts, and
 * who may add me to groups ({@code everyone}, {@code contacts}, {@code nobody}).
 *
 * <p>A user's contacts are the users who share a room with them <em>in which they have sent a
 * message</em>: {@code contact(V, X) = spoke(V) ∩ rooms(X) ≠ ∅}. Being put in a room with someone
 * is not consent; speaking there is.
 *
 * <p>A change is an entry of the user's log ({@code privacy_set}, the whole settings); Cassandra
 * {@code user_settings} and Redis {@code privacy:<user>} are its projections. After the append the
 * edge refreshes the Redis hash itself, versioned by the entry's log position, so the change holds
 * on every gateway once the call answers, and a lagging or replaying projection never puts an older
 * value over it.
 */
public final class PrivacyService {
    public static final String EVERYONE = "everyone";
    public static final String CONTACTS = "contacts";
    public static final String NOBODY = "nobody";
    private static final Set<String> VISIBILITIES = Set.of(EVERYONE, CONTACTS, NOBODY);

    /** Fills a cache miss from the projection below any real log position. */
    private static final String UNVERSIONED = "";

    public record Settings(
            String onlineVisibility,
            String lastSeenVisibility,
            boolean readReceipts,
            String groupAdds) {
        public static final Settings DEFAULT = new Settings(EVERYONE, EVERYONE, true, EVERYONE);
    }

    /** What a viewer may see of a subject's presence. */
    public record Visible(String status, Long lastSeen) {}

    private final CqlSession cql;
    private final JedisPooled redis;
    private final UserLog log;
    private final Clock clock;
    private final PreparedStatement select;

    public PrivacyService(CqlSession cql, JedisPooled redis, UserLog log, Clock clock) {
        this.cql = cql;
        this.redis = redis;
        this.log = log;
        this.clock = clock;
        select =
                cql.prepare(
                        "SELECT online_visibility, last_seen_visibility, read_receipts, group_adds"
                                + " FROM parley.user_settings WHERE user_id = ?");
    }

    public Settings get(String userId) {
        Map<String, String> cached = redis.hgetAll(RedisKeys.privacy(userId));
        if (cached.containsKey("online")) {
            return new Settings(
                    cached.get("online"),
                    cached.get("last_seen"),
                    Boolean.parseBoolean(cached.get("read_receipts")),
                    cached.getOrDefault("group_adds", EVERYONE));
        }
        Row row = cql.execute(select.bind(userId)).one();
        Settings s =
                row == null
                        ? Settings.DEFAULT
                        : new Settings(
                                row.getString("online_visibility"),
                                row.getString("last_seen_visibility"),
                                row.getBoolean("read_receipts"),
                                row.isNull("group_adds") ? EVERYONE : row.getString("group_adds"));
        cache(userId, s, UNVERSIONED);
        return s;
    }

    public Settings update(
            String userId, String online, String lastSeen, Boolean readReceipts, String groupAdds) {
        Settings current = get(userId);
        Settings next =
                new Settings(
                        online == null ? current.onlineVisibility() : check(online),
                        lastSeen == null ? current.lastSeenVisibility() : check(lastSeen),
                        readReceipts == null ? current.readReceipts() : readReceipts,
                        groupAdds == null ? current.groupAdds() : check(groupAdds));
        String position =
                log.append(
                        UserEvent.privacySet(
                                userId,
                                UUID.randomUUID().toString(),
                                clock.millis(),
                                new UserEvent.Privacy(
                                        next.onlineVisibility(),
                                        next.lastSeenVisibility(),
                                        next.readReceipts(),
                                        next.groupAdds())));
        cache(userId, next, position);
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
            contact = isContact(subject, viewer);
        }
        if (!allowed(s.onlineVisibility(), contact)) {
            return null;
        }
        return new Visible(status, allowed(s.lastSeenVisibility(), contact) ? lastSeen : null);
    }

    /**
     * The users among {@code invitees} whose {@code group_adds} setting refuses {@code adder}
     * (PROTOCOL.md section 4); empty when all accept.
     */
    public List<String> refusingAdder(String adder, List<String> invitees) {
        List<String> refusing = new ArrayList<>();
        for (String invitee : invitees) {
            if (invitee.equals(adder)) {
                continue;
            }
            String rule = get(invitee).groupAdds();
            if (NOBODY.equals(rule) || (CONTACTS.equals(rule) && !isContact(invitee, adder))) {
                refusing.add(invitee);
            }
        }
        return refusing;
    }

    /** Whether {@code other} is a contact of {@code user}: a room of both where user spoke. */
    boolean isContact(String user, String other) {
        return !redis.sinter(RedisKeys.spoke(user), RedisKeys.userRooms(other)).isEmpty();
    }

    private static boolean allowed(String visibility, boolean contact) {
        return EVERYONE.equals(visibility) || (CONTACTS.equals(visibility) && contact);
    }

    private void cache(String userId, Settings s, String version) {
        redis.eval(
                RedisKeys.VERSIONED_HSET_SCRIPT,
                List.of(RedisKeys.privacy(userId)),
                List.of(
                        version,
                        "online",
                        s.onlineVisibility(),
                        "last_seen",
                        s.lastSeenVisibility(),
                        "read_receipts",
                        Boolean.toString(s.readReceipts()),
                        "group_adds",
                        s.groupAdds()));
    }

    private static String check(String visibility) {
        if (!VISIBILITIES.contains(visibility)) {
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST, "visibility must be one of " + VISIBILITIES);
        }
        return visibility;
    }
}

package io.parley.edge.rooms;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.edge.delivery.PendingCalls;
import io.parley.edge.delivery.Publisher;
import io.parley.edge.session.PrivacyService;
import io.parley.edge.store.MessageStore;
import io.parley.schemas.RedisKeys;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import io.parley.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import redis.clients.jedis.JedisPooled;

/**
 * Rooms and memberships. Every change is a command to the room's log (PROTOCOL.md section 4): the
 * Sequencer checks its rule against the room's state and appends the event, FanOut brings the live
 * path's cache ({@code members:<room>}, {@code urooms:<user>}, {@code roominfo:<room>}) up to it
 * and routes it here, and only then does the call answer, so once it has, every gateway sees the
 * change. The edge writes no store: Cassandra's {@code rooms}, {@code room_members} and {@code
 * user_rooms} are projections of the logs (the persistence job); the reads here use the live path's
 * Redis keys first and those projections when a key is missing.
 *
 * <p>A direct room between two users is unique: its id is derived from the pair. A group created
 * with a {@code client_msg_id} gets an id derived from (creator, client_msg_id), so a retry finds
 * the same room.
 */
public final class RoomService {
    public static final int MAX_GROUP_MEMBERS = 500;
    public static final int MAX_NAME_CHARS = 100;
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    public static final int MAX_UNREAD_COUNTED = 1000;

    private final CqlSession cql;
    private final JedisPooled redis;
    private final MessageStore archive;
    private final Publisher publisher;
    private final PendingCalls pending;
    private final PrivacyService privacy;
    private final String gatewayId;
    private final Clock clock;
    private final PreparedStatement selectRoom;
    private final PreparedStatement selectMembers;
    private final PreparedStatement selectRole;
    private final PreparedStatement selectUserRooms;
    private final PreparedStatement selectCursor;

    public RoomService(
            CqlSession cql,
            JedisPooled redis,
            MessageStore archive,
            Publisher publisher,
            PendingCalls pending,
            PrivacyService privacy,
            String gatewayId,
            Clock clock) {
        this.cql = cql;
        this.redis = redis;
        this.archive = archive;
        this.publisher = publisher;
        this.pending = pending;
        this.privacy = privacy;
        this.gatewayId = gatewayId;
        this.clock = clock;
        selectRoom =
                cql.prepare("SELECT kind, name, encrypted FROM parley.rooms WHERE room_id = ?");
        selectMembers =
                cql.prepare("SELECT user_id, role FROM parley.room_members WHERE room_id = ?");
        selectRole =
                cql.prepare(
                        "SELECT role FROM parley.room_members WHERE room_id = ? AND user_id = ?");
        selectUserRooms = cql.prepare("SELECT room_id FROM parley.user_rooms WHERE user_id = ?");
        selectCursor =
                cql.prepare(
                        "SELECT read_seq FROM parley.room_cursors WHERE room_id = ? AND user_id = ?");
    }

    public record Room(String roomId, String kind, String name, boolean encrypted) {}

    /** The answer of a membership call: the room and the seq of its event. */
    public record Change(String roomId, long seq, boolean appended) {}

    /** One member and role, for {@code GET /v1/rooms/{id}}. */
    public record MemberRole(String userId, String role) {}

    /** {@code GET /v1/rooms/{id}}. */
    public record RoomDetail(
            String roomId,
            String kind,
            String name,
            boolean encrypted,
            long lastSeq,
            List<MemberRole> members) {}

    public Change create(
            String creator,
            String kind,
            String name,
            List<String> members,
            boolean encrypted,
            String clientMsgId) {
        Set<String> all = new LinkedHashSet<>();
        all.add(creator);
        for (String m : members == null ? List.<String>of() : members) {
            all.add(requireUserId(m));
        }
        if (name != null && name.isEmpty()) {
            name = null; // no name given
        }
        requireName(name, true);
        String roomId;
        List<RoomEvent.Member> initial = new ArrayList<>();
        if (RoomEvent.DIRECT.equals(kind)) {
            if (all.size() != 2) {
                throw bad("a direct room has exactly one other member");
            }
            name = null; // a direct room is named after the peer by clients
            roomId = directRoomId(all);
            all.forEach(u -> initial.add(new RoomEvent.Member(u, RoomEvent.MEMBER)));
        } else if (RoomEvent.GROUP.equals(kind)) {
            if (all.size() > MAX_GROUP_MEMBERS) {
                throw bad("a group has at most " + MAX_GROUP_MEMBERS + " members");
            }
            roomId =
                    clientMsgId == null
                            ? "g" + UUID.randomUUID().toString().replace("-", "")
                            : "g" + digest(creator + "\n" + clientMsgId);
            all.forEach(
                    u ->
                            initial.add(
                                    new RoomEvent.Member(
                                            u,
                                            u.equals(creator)
                                                    ? RoomEvent.ADMIN
                                                    : RoomEvent.MEMBER)));
        } else {
            throw bad("kind must be 'direct' or 'group'");
        }
        requireConsent(creator, new ArrayList<>(all));
        return call(
                roomId,
                creator,
                clientMsgId,
                RoomEvent.created(kind, name, encrypted, List.copyOf(initial)));
    }

    public Change addMember(
            String caller, String roomId, String userId, String role, String clientMsgId) {
        requireMember(roomId, caller);
        requireUserId(userId);
        requireRole(role, true);
        if (!isMember(roomId, userId)) {
            requireConsent(caller, List.of(userId));
        }
        return call(roomId, caller, clientMsgId, RoomEvent.memberAdded(userId, role));
    }

    public Change removeMember(String caller, String roomId, String userId, String clientMsgId) {
        requireMember(roomId, caller);
        requireUserId(userId);
        return call(roomId, caller, clientMsgId, RoomEvent.memberRemoved(userId));
    }

    public Change changeRole(
            String caller, String roomId, String userId, String role, String clientMsgId) {
        requireMember(roomId, caller);
        requireUserId(userId);
        requireRole(role, false);
        return call(roomId, caller, clientMsgId, RoomEvent.roleChanged(userId, role));
    }

    public Change rename(String caller, String roomId, String name, String clientMsgId) {
        requireMember(roomId, caller);
        requireName(name, false);
        return call(roomId, caller, clientMsgId, RoomEvent.renamed(name));
    }

    /**
     * Publishes a room change and waits until its event is in the log and routed back here (or the
     * Sequencer refused it). A call that times out may still land: a retry with the same {@code
     * client_msg_id} answers with its seq.
     */
    private Change call(String roomId, String actor, String clientMsgId, RoomEvent event) {
        String id = clientMsgId == null ? "h-" + UUID.randomUUID() : clientMsgId;
        CompletableFuture<PendingCalls.Result> answer = pending.expect(roomId, actor, id);
        try {
            publisher
                    .send(
                            SendCommand.event(
                                    roomId, actor, null, gatewayId, id, event, clock.millis()))
                    .whenComplete(
                            (ok, e) -> {
                                if (e != null) {
                                    answer.completeExceptionally(e);
                                }
                            });
            PendingCalls.Result r = answer.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new Change(roomId, r.seq(), r.appended());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProtocolException p) {
                throw p;
            }
            throw unavailable();
        } catch (TimeoutException e) {
            throw unavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } finally {
            pending.forget(roomId, actor, id);
        }
    }

    /**
     * PROTOCOL.md section 4: a member whose {@code group_adds} refuses the adder fails the call.
     */
    private void requireConsent(String adder, List<String> invitees) {
        List<String> refusing = privacy.refusingAdder(adder, invitees);
        if (!refusing.isEmpty()) {
            throw new ProtocolException(
                    ErrorCode.FORBIDDEN,
                    "refused by the group_adds setting of " + String.join(", ", refusing));
        }
    }

    private static ProtocolException unavailable() {
        return new ProtocolException(
                ErrorCode.UNAVAILABLE,
                "the change was not confirmed in time; retry with the same client_msg_id");
    }

    public Room room(String roomId) {
        Map<String, String> info = redis.hgetAll(RedisKeys.roomInfo(roomId));
        if (!info.isEmpty()) {
            return new Room(
                    roomId,
                    info.get("kind"),
                    info.get("name"),
                    Boolean.parseBoolean(info.get("encrypted")));
        }
        Row row = cql.execute(selectRoom.bind(roomId)).one();
        if (row == null) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no room " + roomId);
        }
        return new Room(
                roomId,
                row.getString("kind"),
                row.getString("name"),
                !row.isNull("encrypted") && row.getBoolean("encrypted"));
    }

    public RoomDetail detail(String caller, String roomId) {
        requireMember(roomId, caller);
        Room room = room(roomId);
        List<MemberRole> members = new ArrayList<>();
        for (Row row : cql.execute(selectMembers.bind(roomId))) {
            members.add(new MemberRole(row.getString("user_id"), roleOf(row)));
        }
        return new RoomDetail(
                roomId, room.kind(), room.name(), room.encrypted(), lastSeq(roomId), members);
    }

    public List<RoomSummary> roomsOf(String userId) {
        List<RoomSummary> out = new ArrayList<>();
        for (String roomId : roomIdsOf(userId)) {
            Room room;
            try {
                room = room(roomId);
            } catch (ProtocolException notYetProjected) {
                continue;
            }
            long last = lastSeq(roomId);
            long read = readSeq(roomId, userId);
            long unread = last > read ? unread(roomId, userId, read, last) : 0;
            Row role = cql.execute(selectRole.bind(roomId, userId)).one();
            out.add(
                    new RoomSummary(
                            roomId,
                            room.kind(),
                            room.name(),
                            last,
                            read,
                            unread,
                            role == null ? RoomEvent.MEMBER : roleOf(role),
                            room.encrypted()));
        }
        return out;
    }

    /**
     * Other users' messages after the read cursor (events never count), from the archive; at most
     * {@value #MAX_UNREAD_COUNTED} are counted.
     */
    private long unread(String roomId, String userId, long read, long last) {
        return archive.range(roomId, read + 1, last, MAX_UNREAD_COUNTED).stream()
                .filter(e -> e.isMessage() && !userId.equals(e.senderId()))
                .count();
    }

    /** The user's rooms: the live path's set, or the projection when the set is missing. */
    public List<String> roomIdsOf(String userId) {
        Set<String> live = redis.smembers(RedisKeys.userRooms(userId));
        if (!live.isEmpty()) {
            return new ArrayList<>(live);
        }
        List<String> out = new ArrayList<>();
        for (Row row : cql.execute(selectUserRooms.bind(userId))) {
            out.add(row.getString("room_id"));
        }
        return out;
    }

    /**
     * One Redis round trip for a member (every send asks); a cold cache is filled first. A room
     * whose last member left has no {@code members:} set (Redis drops an empty set) but still its
     * {@code memberseq:} hash: that room is empty, not cold, and is never refilled from the
     * projection (which may still list the members the log has removed).
     */
    public boolean isMember(String roomId, String userId) {
        String key = RedisKeys.members(roomId);
        if (redis.sismember(key, userId)) {
            return true;
        }
        if (redis.exists(key) || redis.exists(RedisKeys.memberSeqs(roomId))) {
            return false;
        }
        ensureCached(roomId);
        return redis.sismember(key, userId);
    }

    /**
     * The seq of a former member's removal (the last membership change applied for a user who is no
     * longer a member), or null when the user never was one.
     */
    public Long removedAt(String roomId, String userId) {
        if (isMember(roomId, userId)) {
            return null;
        }
        String seq = redis.hget(RedisKeys.memberSeqs(roomId), userId);
        return seq == null ? null : Long.parseLong(seq);
    }

    public void requireMember(String roomId, String userId) {
        if (!isMember(roomId, userId)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "not a member of room " + roomId);
        }
    }

    public long lastSeq(String roomId) {
        String v = redis.get(RedisKeys.lastSeq(roomId));
        return v == null ? 0 : Long.parseLong(v);
    }

    public long readSeq(String roomId, String userId) {
        Row row = cql.execute(selectCursor.bind(roomId, userId)).one();
        return row == null || row.isNull("read_seq") ? 0 : row.getLong("read_seq");
    }

    /** Refills a missing member set from the projection (after Redis lost it). */
    private void ensureCached(String roomId) {
        Set<String> members = new LinkedHashSet<>();
        for (Row row : cql.execute(selectMembers.bind(roomId))) {
            members.add(row.getString("user_id"));
        }
        if (!members.isEmpty()) {
            redis.sadd(RedisKeys.members(roomId), members.toArray(String[]::new));
        }
    }

    private static String roleOf(Row row) {
        String role = row.getString("role");
        return role == null ? RoomEvent.MEMBER : role;
    }

    static String directRoomId(Set<String> pair) {
        List<String> sorted = new ArrayList<>(pair);
        sorted.sort(String::compareTo);
        return "d" + digest(sorted.get(0) + "\n" + sorted.get(1));
    }

    private static String digest(String text) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireName(String name, boolean optional) {
        if (name == null && optional) {
            return;
        }
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_CHARS) {
            throw bad("name must be 1-" + MAX_NAME_CHARS + " chars");
        }
    }

    private static void requireRole(String role, boolean optional) {
        if (role == null && optional) {
            return;
        }
        if (!RoomEvent.ADMIN.equals(role) && !RoomEvent.MEMBER.equals(role)) {
            throw bad("role must be 'admin' or 'member'");
        }
    }

    private static String requireUserId(String userId) {
        if (userId == null || !Topics.ID.matcher(userId).matches()) {
            throw bad("user ids are 1-64 chars of [A-Za-z0-9_-]");
        }
        return userId;
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, message);
    }
}

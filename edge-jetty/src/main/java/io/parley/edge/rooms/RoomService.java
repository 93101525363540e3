package io.parley.edge.rooms;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.schemas.RedisKeys;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import io.parley.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import redis.clients.jedis.JedisPooled;

/**
 * Rooms and memberships. Cassandra ({@code rooms}, {@code room_members}, {@code user_rooms}) is the
 * source of truth; Redis sets {@code members:<room>} and {@code urooms:<user>} are a write-through
 * cache the FanOut function routes by, refilled from Cassandra on a miss.
 *
 * <p>A direct room between two users is unique: its id is derived from the pair, so creating it
 * again returns the same room.
 */
public final class RoomService {
    public static final int MAX_GROUP_MEMBERS = 500;
    public static final int MAX_NAME_CHARS = 100;

    private final CqlSession cql;
    private final JedisPooled redis;
    private final PreparedStatement insertRoom;
    private final PreparedStatement selectRoom;
    private final PreparedStatement insertMember;
    private final PreparedStatement deleteMember;
    private final PreparedStatement insertUserRoom;
    private final PreparedStatement deleteUserRoom;
    private final PreparedStatement selectMembers;
    private final PreparedStatement selectUserRooms;
    private final PreparedStatement selectCursor;

    public RoomService(CqlSession cql, JedisPooled redis) {
        this.cql = cql;
        this.redis = redis;
        insertRoom =
                cql.prepare(
                        "INSERT INTO parley.rooms (room_id, kind, name, created_by, created_at)"
                                + " VALUES (?, ?, ?, ?, ?)");
        selectRoom = cql.prepare("SELECT kind, name FROM parley.rooms WHERE room_id = ?");
        insertMember =
                cql.prepare(
                        "INSERT INTO parley.room_members (room_id, user_id, added_at)"
                                + " VALUES (?, ?, ?)");
        deleteMember =
                cql.prepare("DELETE FROM parley.room_members WHERE room_id = ? AND user_id = ?");
        insertUserRoom =
                cql.prepare(
                        "INSERT INTO parley.user_rooms (user_id, room_id, kind, name)"
                                + " VALUES (?, ?, ?, ?)");
        deleteUserRoom =
                cql.prepare("DELETE FROM parley.user_rooms WHERE user_id = ? AND room_id = ?");
        selectMembers = cql.prepare("SELECT user_id FROM parley.room_members WHERE room_id = ?");
        selectUserRooms =
                cql.prepare("SELECT room_id, kind, name FROM parley.user_rooms WHERE user_id = ?");
        selectCursor =
                cql.prepare(
                        "SELECT read_seq FROM parley.room_cursors WHERE room_id = ? AND user_id = ?");
    }

    public record Room(String roomId, String kind, String name) {}

    public String create(String creator, String kind, String name, List<String> members) {
        Set<String> all = new LinkedHashSet<>();
        all.add(creator);
        for (String m : members == null ? List.<String>of() : members) {
            all.add(requireUserId(m));
        }
        if (name != null && name.length() > MAX_NAME_CHARS) {
            throw bad("name must be at most " + MAX_NAME_CHARS + " chars");
        }
        String roomId;
        if ("direct".equals(kind)) {
            if (all.size() != 2) {
                throw bad("a direct room has exactly one other member");
            }
            roomId = directRoomId(all);
        } else if ("group".equals(kind)) {
            if (all.size() > MAX_GROUP_MEMBERS) {
                throw bad("a group has at most " + MAX_GROUP_MEMBERS + " members");
            }
            roomId = "g" + UUID.randomUUID().toString().replace("-", "");
        } else {
            throw bad("kind must be 'direct' or 'group'");
        }
        Instant now = Instant.now();
        BatchStatement batch =
                BatchStatement.newInstance(
                        DefaultBatchType.LOGGED, insertRoom.bind(roomId, kind, name, creator, now));
        List<com.datastax.oss.driver.api.core.cql.BatchableStatement<?>> rows = new ArrayList<>();
        for (String user : all) {
            rows.add(insertMember.bind(roomId, user, now));
            rows.add(insertUserRoom.bind(user, roomId, kind, name));
        }
        cql.execute(batch.addAll(rows));
        cacheMembers(roomId, all);
        return roomId;
    }

    public Room room(String roomId) {
        Row row = cql.execute(selectRoom.bind(roomId)).one();
        if (row == null) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no room " + roomId);
        }
        return new Room(roomId, row.getString("kind"), row.getString("name"));
    }

    public List<RoomSummary> roomsOf(String userId) {
        List<RoomSummary> out = new ArrayList<>();
        for (Row row : cql.execute(selectUserRooms.bind(userId))) {
            String roomId = row.getString("room_id");
            long last = lastSeq(roomId);
            long read = readSeq(roomId, userId);
            out.add(
                    new RoomSummary(
                            roomId,
                            row.getString("kind"),
                            row.getString("name"),
                            last,
                            read,
                            Math.max(0, last - read)));
        }
        return out;
    }

    public List<String> roomIdsOf(String userId) {
        List<String> out = new ArrayList<>();
        for (Row row : cql.execute(selectUserRooms.bind(userId))) {
            out.add(row.getString("room_id"));
        }
        return out;
    }

    public void addMember(String caller, String roomId, String userId) {
        requireMember(roomId, caller);
        Room room = room(roomId);
        if ("direct".equals(room.kind())) {
            throw bad("members of a direct room cannot change");
        }
        requireUserId(userId);
        Instant now = Instant.now();
        cql.execute(
                BatchStatement.newInstance(
                        DefaultBatchType.LOGGED,
                        insertMember.bind(roomId, userId, now),
                        insertUserRoom.bind(userId, roomId, room.kind(), room.name())));
        ensureCached(roomId);
        redis.sadd(RedisKeys.members(roomId), userId);
        redis.sadd(RedisKeys.userRooms(userId), roomId);
    }

    public void removeMember(String caller, String roomId, String userId) {
        requireMember(roomId, caller);
        Room room = room(roomId);
        if ("direct".equals(room.kind())) {
            throw bad("members of a direct room cannot change");
        }
        cql.execute(
                BatchStatement.newInstance(
                        DefaultBatchType.LOGGED,
                        deleteMember.bind(roomId, userId),
                        deleteUserRoom.bind(userId, roomId)));
        ensureCached(roomId);
        redis.srem(RedisKeys.members(roomId), userId);
        redis.srem(RedisKeys.userRooms(userId), roomId);
    }

    /** One Redis round trip for a member (every send asks); a cold cache is filled first. */
    public boolean isMember(String roomId, String userId) {
        String key = RedisKeys.members(roomId);
        if (redis.sismember(key, userId)) {
            return true;
        }
        if (redis.exists(key)) {
            return false;
        }
        ensureCached(roomId);
        return redis.sismember(key, userId);
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

    /** Refills the Redis member set of a room from Cassandra if it is missing. */
    private void ensureCached(String roomId) {
        if (redis.exists(RedisKeys.members(roomId))) {
            return;
        }
        Set<String> members = new LinkedHashSet<>();
        for (Row row : cql.execute(selectMembers.bind(roomId))) {
            members.add(row.getString("user_id"));
        }
        if (!members.isEmpty()) {
            cacheMembers(roomId, members);
        }
    }

    private void cacheMembers(String roomId, Set<String> members) {
        redis.sadd(RedisKeys.members(roomId), members.toArray(String[]::new));
        for (String user : members) {
            redis.sadd(RedisKeys.userRooms(user), roomId);
        }
    }

    static String directRoomId(Set<String> pair) {
        List<String> sorted = new ArrayList<>(pair);
        sorted.sort(String::compareTo);
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(
                                    (sorted.get(0) + "\n" + sorted.get(1))
                                            .getBytes(StandardCharsets.UTF_8));
            return "d" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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

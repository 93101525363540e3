package io.parley.functions;

import io.parley.schemas.RedisKeys;
import io.parley.schemas.SessionEntry;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.RoomInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/** {@link Directory} over the Redis keys the edge maintains ({@link RedisKeys}). */
public final class RedisDirectory implements Directory, AutoCloseable {
    private final JedisPooled redis;

    public RedisDirectory(String redisUrl) {
        this.redis = new JedisPooled(java.net.URI.create(redisUrl));
    }

    @Override
    public Set<String> members(String roomId) {
        return redis.smembers(RedisKeys.members(roomId));
    }

    @Override
    public Set<String> roomsOf(String userId) {
        return redis.smembers(RedisKeys.userRooms(userId));
    }

    @Override
    public Map<String, Map<String, SessionEntry>> sessions(Collection<String> userIds) {
        Map<String, Response<Map<String, String>>> pending = new LinkedHashMap<>();
        try (Pipeline pipeline = redis.pipelined()) {
            for (String user : userIds) {
                pending.put(user, pipeline.hgetAll(RedisKeys.sessions(user)));
            }
            pipeline.sync();
        }
        Map<String, Map<String, SessionEntry>> out = new HashMap<>();
        pending.forEach(
                (user, response) -> {
                    Map<String, SessionEntry> devices = new HashMap<>();
                    response.get().forEach((d, raw) -> devices.put(d, SessionEntry.decode(raw)));
                    out.put(user, devices);
                });
        return out;
    }

    @Override
    public void apply(String roomId, long seq, RoomEvent event, RoomInfo room) {
        try (Pipeline pipeline = redis.pipelined()) {
            String op =
                    RoomEvent.MEMBER_REMOVED.equals(event.kind())
                            ? "remove"
                            : RoomEvent.ROOM_CREATED.equals(event.kind())
                                            || RoomEvent.MEMBER_ADDED.equals(event.kind())
                                    ? "add"
                                    : null;
            if (op != null) {
                for (String user : event.namedUsers()) {
                    pipeline.eval(
                            RedisKeys.MEMBERSHIP_SCRIPT,
                            List.of(
                                    RedisKeys.members(roomId),
                                    RedisKeys.memberSeqs(roomId),
                                    RedisKeys.userRooms(user)),
                            List.of(user, roomId, Long.toString(seq), op));
                }
            }
            if (room != null) {
                List<String> args = new ArrayList<>();
                args.add(RedisKeys.seqVersion(seq));
                args.addAll(List.of("kind", room.kind()));
                args.addAll(List.of("encrypted", Boolean.toString(room.encrypted())));
                if (room.name() != null) {
                    args.addAll(List.of("name", room.name()));
                }
                pipeline.eval(
                        RedisKeys.VERSIONED_HSET_SCRIPT, List.of(RedisKeys.roomInfo(roomId)), args);
            }
            pipeline.sync();
        }
    }

    @Override
    public void spoke(String userId, String roomId) {
        redis.sadd(RedisKeys.spoke(userId), roomId);
    }

    @Override
    public void raiseLastSeq(String roomId, long seq) {
        redis.eval(
                RedisKeys.RAISE_SCRIPT,
                List.of(RedisKeys.lastSeq(roomId)),
                new ArrayList<>(List.of(Long.toString(seq))));
    }

    @Override
    public Set<String> raiseLastSeqAndGetMembers(String roomId, long seq, String speaker) {
        Response<Set<String>> members;
        try (Pipeline pipeline = redis.pipelined()) {
            if (speaker != null) {
                pipeline.sadd(RedisKeys.spoke(speaker), roomId);
            }
            pipeline.eval(
                    RedisKeys.RAISE_SCRIPT,
                    List.of(RedisKeys.lastSeq(roomId)),
                    List.of(Long.toString(seq)));
            members = pipeline.smembers(RedisKeys.members(roomId));
            pipeline.sync();
        }
        return members.get();
    }

    @Override
    public void close() {
        redis.close();
    }
}

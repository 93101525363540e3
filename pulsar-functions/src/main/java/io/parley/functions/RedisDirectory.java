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
    public void apply(String roomId, RoomEvent event, RoomInfo room) {
        try (Pipeline pipeline = redis.pipelined()) {
            switch (event.kind()) {
                case RoomEvent.ROOM_CREATED, RoomEvent.MEMBER_ADDED -> {
                    for (String user : event.namedUsers()) {
                        pipeline.sadd(RedisKeys.members(roomId), user);
                        pipeline.sadd(RedisKeys.userRooms(user), roomId);
                    }
                }
                case RoomEvent.MEMBER_REMOVED -> {
                    pipeline.srem(RedisKeys.members(roomId), event.userId());
                    pipeline.srem(RedisKeys.userRooms(event.userId()), roomId);
                }
                default -> {}
            }
            if (room != null) {
                Map<String, String> info = new HashMap<>();
                info.put("kind", room.kind());
                info.put("encrypted", Boolean.toString(room.encrypted()));
                if (room.name() != null) {
                    info.put("name", room.name());
                }
                pipeline.hset(RedisKeys.roomInfo(roomId), info);
            }
            pipeline.sync();
        }
    }

    @Override
    public void raiseLastSeq(String roomId, long seq) {
        redis.eval(
                RedisKeys.RAISE_SCRIPT,
                List.of(RedisKeys.lastSeq(roomId)),
                new ArrayList<>(List.of(Long.toString(seq))));
    }

    @Override
    public Set<String> raiseLastSeqAndGetMembers(String roomId, long seq) {
        Response<Set<String>> members;
        try (Pipeline pipeline = redis.pipelined()) {
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

package io.parley.flink.functions;

import io.parley.flink.records.MessageRow;
import io.parley.flink.sinks.RedisCommand;
import io.parley.schemas.Json;
import io.parley.schemas.RedisKeys;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.RoomInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The live path's Redis keys as projections of a room log entry, the same commands the FanOut
 * function runs live, so a replay rebuilds them:
 *
 * <ul>
 *   <li>every entry: {@code EVAL RAISE_SCRIPT 1 lastseq:<room> seq};
 *   <li>a message: {@code SADD spoke:<sender> <room>};
 *   <li>{@code room_created} (each initial member), {@code member_added}, {@code member_removed}:
 *       {@code EVAL MEMBERSHIP_SCRIPT 3 members:<room> memberseq:<room> urooms:<user> user room seq
 *       add|remove};
 *   <li>an entry with its {@code room}: {@code EVAL VERSIONED_HSET_SCRIPT 1 roominfo:<room>
 *       seqVersion(seq) kind <kind> [name <name>] encrypted true|false}.
 * </ul>
 *
 * <p>Each command is guarded by the entry's seq (or is a set insert), so the commands of a log may
 * be applied in any order, twice, and alongside FanOut's: the keys end as the log's last word.
 */
public final class RoomCacheCommands {
    private RoomCacheCommands() {}

    public static List<RedisCommand> of(MessageRow entry) {
        String room = entry.roomId();
        String seq = Long.toString(entry.seq());
        List<RedisCommand> commands = new ArrayList<>();
        commands.add(
                RedisCommand.eval(
                        RedisKeys.RAISE_SCRIPT, List.of(RedisKeys.lastSeq(room)), List.of(seq)));
        if (entry.event() == null) {
            if (present(entry.senderId())) {
                commands.add(RedisCommand.sadd(RedisKeys.spoke(entry.senderId()), room));
            }
        } else {
            membership(entry, Json.read(entry.event(), RoomEvent.class), commands);
        }
        if (entry.room() != null) {
            commands.add(roomInfo(entry, Json.read(entry.room(), RoomInfo.class)));
        }
        return commands;
    }

    private static void membership(MessageRow entry, RoomEvent event, List<RedisCommand> out) {
        String op =
                switch (event.kind() == null ? "" : event.kind()) {
                    case RoomEvent.ROOM_CREATED, RoomEvent.MEMBER_ADDED -> "add";
                    case RoomEvent.MEMBER_REMOVED -> "remove";
                    default -> null;
                };
        if (op == null) {
            return;
        }
        String room = entry.roomId();
        for (String user : namedUsers(event)) {
            // a member without an id (which the Sequencer never emits) names no key
            if (present(user)) {
                out.add(
                        RedisCommand.eval(
                                RedisKeys.MEMBERSHIP_SCRIPT,
                                List.of(
                                        RedisKeys.members(room),
                                        RedisKeys.memberSeqs(room),
                                        RedisKeys.userRooms(user)),
                                List.of(user, room, Long.toString(entry.seq()), op)));
            }
        }
    }

    /** {@link RoomEvent#namedUsers}, tolerating a null member. */
    private static List<String> namedUsers(RoomEvent event) {
        if (event.members() == null) {
            return event.userId() == null ? List.of() : List.of(event.userId());
        }
        List<String> users = new ArrayList<>();
        for (RoomEvent.Member member : event.members()) {
            if (member != null) {
                users.add(member.userId());
            }
        }
        return users;
    }

    private static RedisCommand roomInfo(MessageRow entry, RoomInfo info) {
        List<String> args = new ArrayList<>();
        args.add(RedisKeys.seqVersion(entry.seq()));
        if (info.kind() != null) {
            args.add("kind");
            args.add(info.kind());
        }
        if (info.name() != null) {
            args.add("name");
            args.add(info.name());
        }
        args.add("encrypted");
        args.add(Boolean.toString(info.encrypted()));
        return RedisCommand.eval(
                RedisKeys.VERSIONED_HSET_SCRIPT, List.of(RedisKeys.roomInfo(entry.roomId())), args);
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }
}

package io.parley.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.driver.core.Row;
import io.parley.flink.pulsar.PulsarAdminRest;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.schemas.Json;
import io.parley.schemas.RedisKeys;
import io.parley.schemas.events.MediaRef;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.RoomEvent.Member;
import io.parley.schemas.events.RoomInfo;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PersistenceJobIT extends ParleyITBase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = miniCluster();

    private static final long TS0 = 1_700_000_000_000L;

    private final String topic = testTopic(Topics.MESSAGES);
    private final String subscription = unique("parley-it-persistence");
    private final String room = unique("room");
    private final String shuffled = unique("room");

    /** The Redis keys the job wrote for the rooms of groupLog (whose users are shared names). */
    @AfterEach
    void removeTheRoomsFromRedis() {
        for (String r : List.of(room, shuffled)) {
            deleteKeys(r, List.of());
            for (String user : List.of("alice", "bob", "carol")) {
                redis.srem(RedisKeys.userRooms(user), r);
                redis.srem(RedisKeys.spoke(user), r);
            }
        }
    }

    private JobClient startJob() throws Exception {
        return run(
                PersistenceJob.NAME,
                env ->
                        new PersistenceJob(
                                        PulsarConnectors.source(
                                                CONFIG,
                                                topic,
                                                subscription,
                                                PersistenceJob.messageRows()),
                                        PersistenceJob.Sinks.of(
                                                CONFIG.cassandraHost(),
                                                CONFIG.cassandraPort(),
                                                CONFIG.redisUrl()))
                                .build(env));
    }

    private static List<SequencedMessage> messages(String room, long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(seq -> message(room, seq, "body " + seq))
                .toList();
    }

    private static SequencedMessage event(String room, long seq, String actor, RoomEvent event) {
        long ts = TS0 + seq;
        return new SequencedMessage(
                room, seq, "e" + seq, actor, null, "gw1", "c" + seq, null, null, null, ts, ts, ts,
                event, null);
    }

    /** A group's log: every kind of event, a member removed and added again. */
    private static List<SequencedMessage> groupLog(String room) {
        return List.of(
                event(
                        room,
                        1,
                        "alice",
                        RoomEvent.created(
                                RoomEvent.GROUP,
                                "Team",
                                false,
                                List.of(
                                        new Member("alice", RoomEvent.ADMIN),
                                        new Member("bob", RoomEvent.MEMBER)))),
                message(room, 2, "hello"),
                new SequencedMessage(
                        room,
                        3,
                        "m3",
                        "bob",
                        "d2",
                        "gw1",
                        "c3",
                        "look",
                        List.of(new MediaRef("md-1", "image/jpeg", 2048)),
                        null,
                        TS0 + 3,
                        TS0 + 3,
                        TS0 + 3),
                event(room, 4, "alice", RoomEvent.edited(2, "hello all")),
                event(room, 5, "bob", RoomEvent.reaction(2, "👍", true)),
                event(room, 6, "alice", RoomEvent.reaction(2, "🎉", true)),
                event(room, 7, "alice", RoomEvent.memberAdded("carol", RoomEvent.MEMBER)),
                event(room, 8, "bob", RoomEvent.reaction(2, "👍", false)),
                event(room, 9, "alice", RoomEvent.roleChanged("bob", RoomEvent.ADMIN)),
                event(room, 10, "carol", RoomEvent.memberRemoved("carol")),
                event(room, 11, "bob", RoomEvent.renamed("Core team")),
                event(room, 12, "bob", RoomEvent.deleted(3)),
                event(room, 13, "bob", RoomEvent.memberAdded("carol", RoomEvent.MEMBER)),
                event(room, 14, "alice", RoomEvent.memberRemoved("alice")));
    }

    /** The rooms, room_members and user_rooms rows {@link #groupLog} leaves. */
    private static final String GROUP_TABLES =
            "room group|Core team|false|alice|1700000000001\n"
                    + "member bob|admin|1\n"
                    + "member carol|member|13\n"
                    + "user_room bob\n"
                    + "user_room carol\n";

    /** The stored rows of the room in buckets 0..1, by seq (the room id in ids as R). */
    private Map<Long, String> rows(String room) {
        Map<Long, String> rows = new TreeMap<>();
        for (Row row :
                cassandra.execute(
                        "SELECT seq, msg_id, sender_id, client_msg_id, body, media, reply_to_seq, ts,"
                                + " event, edited_ts, deleted, reactions"
                                + " FROM parley.messages_by_room WHERE room_id = ? AND bucket IN (0, 1)",
                        room)) {
            rows.put(
                    row.getLong("seq"),
                    String.join(
                            "|",
                            row.getString("msg_id").replace(room, "R"),
                            row.getString("sender_id"),
                            row.getString("client_msg_id"),
                            row.getString("body"),
                            String.valueOf(row.getString("media")),
                            String.valueOf(row.getObject("reply_to_seq")),
                            String.valueOf(row.getLong("ts")),
                            String.valueOf(row.getString("event")),
                            String.valueOf(row.getObject("edited_ts")),
                            String.valueOf(row.getObject("deleted")),
                            String.valueOf(
                                    new TreeMap<>(
                                            row.getMap(
                                                    "reactions", String.class, Boolean.class)))));
        }
        return rows;
    }

    private Map<Long, String> rows() {
        return rows(room);
    }

    /** rooms, room_members and user_rooms of the room, as text. */
    private String roomTables(String room) {
        StringBuilder out = new StringBuilder();
        for (Row row :
                cassandra.execute(
                        "SELECT kind, name, encrypted, created_by, created_at FROM parley.rooms"
                                + " WHERE room_id = ?",
                        room)) {
            out.append("room ")
                    .append(row.getString("kind"))
                    .append('|')
                    .append(row.getString("name"))
                    .append('|')
                    .append(row.getObject("encrypted"))
                    .append('|')
                    .append(row.getString("created_by"))
                    .append('|')
                    .append(row.getObject("created_at"))
                    .append('\n');
        }
        for (Row row :
                cassandra.execute(
                        "SELECT user_id, role, added_seq FROM parley.room_members WHERE room_id = ?",
                        room)) {
            out.append("member ")
                    .append(row.getString("user_id"))
                    .append('|')
                    .append(row.getString("role"))
                    .append('|')
                    .append(row.getObject("added_seq"))
                    .append('\n');
        }
        for (Row row :
                cassandra.execute(
                        "SELECT user_id FROM parley.user_rooms"
                                + " WHERE user_id IN ('alice', 'bob', 'carol') AND room_id = ?",
                        room)) {
            out.append("user_room ").append(row.getString("user_id")).append('\n');
        }
        return out.toString();
    }

    @Test
    void shouldStoreEveryMessageOnceInItsBucket() throws Exception {
        List<SequencedMessage> log = new ArrayList<>(messages(room, 990, 1009));
        log.add(
                new SequencedMessage(
                        room,
                        1010,
                        "m-media",
                        "bob",
                        "d2",
                        "gw1",
                        "c-media",
                        "look",
                        List.of(new MediaRef("md-1", "image/jpeg", 2048)),
                        995L,
                        5,
                        4,
                        3));
        // a redelivered duplicate changes nothing
        log.addAll(messages(room, 1000, 1002));
        produce(topic, Topics.MESSAGES, SequencedMessage::roomId, log);

        startJob();

        eventually(DEADLINE, () -> assertThat(rows()).hasSize(21));
        assertThat(rows().get(990L))
                .isEqualTo(
                        "m-R-990|alice|c-990|body 990|null|null|1700000000990|null|null|null|{}");
        assertThat(rows().get(1010L))
                .isEqualTo(
                        "m-media|bob|c-media|look|[{\"media_id\":\"md-1\",\"mime\":\"image/jpeg\",\"size\":2048}]|995|5|null|null|null|{}");
        assertThat(
                        cassandra
                                .execute(
                                        "SELECT count(*) FROM parley.messages_by_room WHERE room_id = ? AND bucket = 1",
                                        room)
                                .one()
                                .getLong(0))
                .isEqualTo(11);
        // written at the entry's seq, never at the clock
        assertThat(
                        cassandra
                                .execute(
                                        "SELECT writetime(body) FROM parley.messages_by_room"
                                                + " WHERE room_id = ? AND bucket = 0 AND seq = 990",
                                        room)
                                .one()
                                .getLong(0))
                .isEqualTo(990);
    }

    @Test
    void shouldProjectARoomsEventsIntoItsRowsAndTables() throws Exception {
        produce(topic, Topics.MESSAGES, SequencedMessage::roomId, groupLog(room));

        startJob();

        // acknowledged = written: the job acks on checkpoints, after its sinks flushed
        eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());
        assertThat(roomTables(room)).isEqualTo(GROUP_TABLES);
        Map<Long, String> rows = rows();
        assertThat(rows).hasSize(14);
        // the edit and the reactions are folded into their target
        assertThat(rows.get(2L))
                .isEqualTo(
                        "m-R-2|alice|c-2|hello all|null|null|1700000000002|null|1700000000004|null"
                                + "|{\uD83C\uDF89\nalice=true, \uD83D\uDC4D\nbob=false}");
        // a deletion is a tombstone: no body, no media
        assertThat(rows.get(3L))
                .isEqualTo("m3|bob|c3|null|null|null|1700000000003|null|null|true|{}");
        // every event has its own row, with its JSON and no body
        assertThat(rows.get(11L))
                .isEqualTo(
                        "e11|bob|c11|null|null|null|1700000000011|"
                                + Json.write(RoomEvent.renamed("Core team"))
                                + "|null|null|{}");
        for (long seq : List.of(1L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 12L, 13L, 14L)) {
            assertThat(rows.get(seq))
                    .as("seq " + seq)
                    .startsWith("e" + seq + "|")
                    .contains("|{\"kind\":");
        }
    }

    @Test
    void shouldBuildTheSameTablesFromTheLogInAnyOrderAndAgainOnReplay() throws Exception {
        List<SequencedMessage> reversed = new ArrayList<>(groupLog(shuffled));
        Collections.reverse(reversed);
        // redeliveries of earlier entries after later ones change nothing either
        reversed.addAll(groupLog(shuffled).subList(0, 5));
        List<SequencedMessage> log = new ArrayList<>(groupLog(room));
        log.addAll(reversed);
        produce(topic, Topics.MESSAGES, SequencedMessage::roomId, log);
        JobClient first = startJob();

        eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());
        Map<Long, String> rows = rows(room);
        assertThat(rows).hasSize(14);
        assertThat(roomTables(room)).isEqualTo(GROUP_TABLES);
        assertThat(rows(shuffled)).isEqualTo(rows);
        assertThat(roomTables(shuffled)).isEqualTo(GROUP_TABLES);
        cancel(first);

        // a replay from earliest over the stored projections rewrites identical cells
        new PulsarAdminRest(CONFIG.pulsarAdminUrl()).resetCursor(topic, subscription, 0);
        startJob();
        eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());

        assertThat(rows(room)).isEqualTo(rows);
        assertThat(rows(shuffled)).isEqualTo(rows);
        assertThat(roomTables(room)).isEqualTo(GROUP_TABLES);
        assertThat(roomTables(shuffled)).isEqualTo(GROUP_TABLES);
    }

    /** A room's log with the room attached as the Sequencer does, by the users a, b, c. */
    private static List<SequencedMessage> cachedLog(String room, List<String> users) {
        String a = users.get(0);
        String b = users.get(1);
        String c = users.get(2);
        RoomInfo team = new RoomInfo(RoomEvent.GROUP, "Team", false);
        RoomInfo core = new RoomInfo(RoomEvent.GROUP, "Core team", false);
        return List.of(
                withRoom(
                        event(
                                room,
                                1,
                                a,
                                RoomEvent.created(
                                        RoomEvent.GROUP,
                                        "Team",
                                        false,
                                        List.of(
                                                new Member(a, RoomEvent.ADMIN),
                                                new Member(b, RoomEvent.MEMBER)))),
                        team),
                said(room, 2, a),
                said(room, 3, b),
                withRoom(event(room, 4, a, RoomEvent.memberAdded(c, RoomEvent.MEMBER)), team),
                withRoom(event(room, 5, c, RoomEvent.memberRemoved(c)), team),
                withRoom(event(room, 6, b, RoomEvent.renamed("Core team")), core),
                withRoom(event(room, 7, b, RoomEvent.memberAdded(c, RoomEvent.MEMBER)), core),
                withRoom(event(room, 8, a, RoomEvent.memberRemoved(a)), core),
                said(room, 9, c));
    }

    private static SequencedMessage said(String room, long seq, String sender) {
        SequencedMessage m = message(room, seq, "body " + seq);
        return new SequencedMessage(
                room,
                seq,
                m.msgId(),
                sender,
                "d1",
                "gw1",
                m.clientMsgId(),
                m.body(),
                null,
                null,
                m.ts(),
                m.clientTs(),
                m.edgeTs());
    }

    private static SequencedMessage withRoom(SequencedMessage entry, RoomInfo room) {
        return new SequencedMessage(
                entry.roomId(),
                entry.seq(),
                entry.msgId(),
                entry.senderId(),
                entry.senderDeviceId(),
                entry.gatewayId(),
                entry.clientMsgId(),
                entry.body(),
                entry.media(),
                entry.replyToSeq(),
                entry.ts(),
                entry.clientTs(),
                entry.edgeTs(),
                entry.event(),
                room);
    }

    /** The Redis keys of the room and its users a, b, c, as text (the ids as R, a, b, c). */
    private static String redisKeys(String room, List<String> users) {
        StringBuilder out = new StringBuilder();
        out.append("lastseq ").append(redis.get(RedisKeys.lastSeq(room))).append('\n');
        out.append("members ").append(new TreeSet<>(redis.smembers(RedisKeys.members(room))));
        out.append('\n');
        out.append("memberseq ").append(new TreeMap<>(redis.hgetAll(RedisKeys.memberSeqs(room))));
        out.append('\n');
        out.append("roominfo ").append(new TreeMap<>(redis.hgetAll(RedisKeys.roomInfo(room))));
        out.append('\n');
        for (String user : users) {
            out.append("urooms ").append(user).append(' ');
            out.append(new TreeSet<>(redis.smembers(RedisKeys.userRooms(user)))).append('\n');
            out.append("spoke ").append(user).append(' ');
            out.append(new TreeSet<>(redis.smembers(RedisKeys.spoke(user)))).append('\n');
        }
        String text = out.toString().replace(room, "R");
        for (int i = 0; i < users.size(); i++) {
            text = text.replace(users.get(i), String.valueOf((char) ('a' + i)));
        }
        return text;
    }

    private static final String CACHED_KEYS =
            "lastseq 9\n"
                    + "members [b, c]\n"
                    + "memberseq {a=8, b=1, c=7}\n"
                    + "roominfo {encrypted=false, kind=group, name=Core team, v=0000000000000000008}\n"
                    + "urooms a []\n"
                    + "spoke a [R]\n"
                    + "urooms b [R]\n"
                    + "spoke b [R]\n"
                    + "urooms c [R]\n"
                    + "spoke c [R]\n";

    private static void deleteKeys(String room, List<String> users) {
        redis.del(
                RedisKeys.lastSeq(room),
                RedisKeys.members(room),
                RedisKeys.memberSeqs(room),
                RedisKeys.roomInfo(room));
        for (String user : users) {
            redis.del(RedisKeys.userRooms(user), RedisKeys.spoke(user));
        }
    }

    @Test
    void shouldProjectTheLivePathsRedisKeysFromTheLogInAnyOrderAndAgainOnReplay() throws Exception {
        List<String> users = List.of(unique("a"), unique("b"), unique("c"));
        List<String> others = List.of(unique("a"), unique("b"), unique("c"));
        List<SequencedMessage> reversed = new ArrayList<>(cachedLog(shuffled, others));
        Collections.reverse(reversed);
        reversed.addAll(cachedLog(shuffled, others).subList(0, 4));
        List<SequencedMessage> log = new ArrayList<>(cachedLog(room, users));
        log.addAll(reversed);
        produce(topic, Topics.MESSAGES, SequencedMessage::roomId, log);
        try {
            JobClient first = startJob();
            eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());
            // the log's last word, whatever order the entries came in
            assertThat(redisKeys(room, users)).isEqualTo(CACHED_KEYS);
            assertThat(redisKeys(shuffled, others)).isEqualTo(CACHED_KEYS);
            cancel(first);

            // deleted, then rebuilt by a replay from earliest
            deleteKeys(room, users);
            deleteKeys(shuffled, others);
            new PulsarAdminRest(CONFIG.pulsarAdminUrl()).resetCursor(topic, subscription, 0);
            startJob();
            eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());

            assertThat(redisKeys(room, users)).isEqualTo(CACHED_KEYS);
            assertThat(redisKeys(shuffled, others)).isEqualTo(CACHED_KEYS);
        } finally {
            deleteKeys(room, users);
            deleteKeys(shuffled, others);
        }
    }
}

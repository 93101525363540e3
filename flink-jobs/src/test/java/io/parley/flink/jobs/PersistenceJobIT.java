package io.parley.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.driver.core.Row;
import io.parley.flink.pulsar.PulsarAdminRest;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.sinks.CassandraUpsertSink;
import io.parley.schemas.events.MediaRef;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PersistenceJobIT extends ParleyITBase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = miniCluster();

    private final String topic = testTopic(Topics.MESSAGES);
    private final String subscription = unique("parley-it-persistence");
    private final String room = unique("room");

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
                                        CassandraUpsertSink.messages(
                                                CONFIG.cassandraHost(), CONFIG.cassandraPort()))
                                .build(env));
    }

    private static List<SequencedMessage> messages(String room, long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(seq -> message(room, seq, "body " + seq))
                .toList();
    }

    /** The stored rows of the room in buckets 0..1, by seq. */
    private Map<Long, String> rows() {
        Map<Long, String> rows = new TreeMap<>();
        for (Row row :
                cassandra.execute(
                        "SELECT seq, msg_id, sender_id, client_msg_id, body, media, reply_to_seq, ts"
                                + " FROM parley.messages_by_room WHERE room_id = ? AND bucket IN (0, 1)",
                        room)) {
            rows.put(
                    row.getLong("seq"),
                    String.join(
                            "|",
                            row.getString("msg_id"),
                            row.getString("sender_id"),
                            row.getString("client_msg_id"),
                            row.getString("body"),
                            String.valueOf(row.getString("media")),
                            String.valueOf(row.getObject("reply_to_seq")),
                            String.valueOf(row.getLong("ts"))));
        }
        return rows;
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
                .isEqualTo("m-" + room + "-990|alice|c-990|body 990|null|null|1700000000990");
        assertThat(rows().get(1010L))
                .isEqualTo(
                        "m-media|bob|c-media|look|[{\"media_id\":\"md-1\",\"mime\":\"image/jpeg\",\"size\":2048}]|995|5");
        assertThat(
                        cassandra
                                .execute(
                                        "SELECT count(*) FROM parley.messages_by_room WHERE room_id = ? AND bucket = 1",
                                        room)
                                .one()
                                .getLong(0))
                .isEqualTo(11);
    }

    @Test
    void shouldRebuildAWipedRoomIdenticallyAfterAReplayFromEarliest() throws Exception {
        produce(topic, Topics.MESSAGES, SequencedMessage::roomId, messages(room, 1, 300));
        JobClient first = startJob();
        eventually(DEADLINE, () -> assertThat(rows()).hasSize(300));
        Map<Long, String> before = rows();
        cancel(first);

        cassandra.execute(
                "DELETE FROM parley.messages_by_room WHERE room_id = ? AND bucket = 0", room);
        assertThat(rows()).isEmpty();
        new PulsarAdminRest(CONFIG.pulsarAdminUrl()).resetCursor(topic, subscription, 0);
        startJob();

        eventually(DEADLINE, () -> assertThat(rows()).isEqualTo(before));
    }

    @Test
    void shouldResumeWhereItsSubscriptionStandsWhenStartedWithoutState() throws Exception {
        produce(topic, Topics.MESSAGES, SequencedMessage::roomId, messages(room, 1, 50));
        JobClient first = startJob();
        eventually(DEADLINE, () -> assertThat(rows()).hasSize(50));
        eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());
        cancel(first);

        long restartedAtMicros = System.currentTimeMillis() * 1000;
        produce(topic, Topics.MESSAGES, SequencedMessage::roomId, messages(room, 51, 80));
        startJob();

        eventually(DEADLINE, () -> assertThat(rows()).hasSize(80));
        // acknowledged messages were not read again: their rows keep the first write's time
        long firstWrite =
                cassandra
                        .execute(
                                "SELECT writetime(body) FROM parley.messages_by_room"
                                        + " WHERE room_id = ? AND bucket = 0 AND seq = 1",
                                room)
                        .one()
                        .getLong(0);
        assertThat(firstWrite).isLessThan(restartedAtMicros);
    }
}

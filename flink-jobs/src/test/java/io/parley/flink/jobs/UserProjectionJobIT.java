package io.parley.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.driver.core.Row;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.flink.LocalToken;
import io.parley.flink.pulsar.JsonEventDeserializer;
import io.parley.flink.pulsar.PulsarAdminRest;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.push.LocalFcmReceiver;
import io.parley.flink.push.PushSink;
import io.parley.flink.users.CassandraDeviceDirectory;
import io.parley.schemas.Json;
import io.parley.schemas.RedisKeys;
import io.parley.schemas.events.PushRequest;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UserProjectionJobIT extends ParleyITBase {
    // the push test runs the push job beside the user projection
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = miniCluster(2);

    private final String topic = testTopic(Topics.USERS);
    private final String subscription = unique("parley-it-users");
    private final String bob = unique("bob");
    private final String carol = unique("carol");
    private final String mediaId = unique("md");

    @AfterEach
    void cleanUp() {
        for (String user : List.of(bob, carol)) {
            cassandra.execute("DELETE FROM parley.user_settings WHERE user_id = ?", user);
            cassandra.execute("DELETE FROM parley.devices WHERE user_id = ?", user);
            redis.del(RedisKeys.privacy(user));
        }
        cassandra.execute("DELETE FROM parley.media WHERE media_id = ?", mediaId);
    }

    private JobClient startJob() throws Exception {
        return run(
                UserProjectionJob.NAME,
                env ->
                        new UserProjectionJob(
                                        PulsarConnectors.source(
                                                CONFIG,
                                                topic,
                                                subscription,
                                                UserProjectionJob.userLogEntries()),
                                        CassandraDeviceDirectory.factory(
                                                CONFIG.cassandraHost(), CONFIG.cassandraPort()),
                                        UserProjectionJob.Sinks.of(
                                                CONFIG.cassandraHost(),
                                                CONFIG.cassandraPort(),
                                                CONFIG.redisUrl()))
                                .build(env));
    }

    /**
     * Appends to the test's users' log as the edge does (JSON, schema STRING, key = user id,
     * batched) and answers each entry's log position as the producer got it back.
     */
    private List<String> append(List<UserEvent> events) throws Exception {
        try (Producer<String> producer =
                pulsar.newProducer(Schema.STRING).topic(topic).enableBatching(true).create()) {
            List<CompletableFuture<MessageId>> sent = new ArrayList<>();
            for (UserEvent event : events) {
                sent.add(
                        producer.newMessage()
                                .key(event.userId())
                                .value(Topics.USERS.encode(event))
                                .sendAsync());
            }
            producer.flush();
            List<String> positions = new ArrayList<>();
            for (CompletableFuture<MessageId> id : sent) {
                positions.add(JsonEventDeserializer.positionOf(id.get(10, TimeUnit.SECONDS)));
            }
            return positions;
        }
    }

    private static UserEvent.Privacy privacy(
            String online, String lastSeen, boolean readReceipts, String groupAdds) {
        return new UserEvent.Privacy(online, lastSeen, readReceipts, groupAdds);
    }

    /** Every kind of entry, a stale dead-token report and a settings change of each user. */
    private List<UserEvent> log() {
        return List.of(
                UserEvent.privacySet(
                        bob, "e1", 1, privacy("everyone", "everyone", true, "everyone")),
                UserEvent.deviceRegistered(bob, "e2", 2, "phone", "android", "t1"),
                UserEvent.deviceRegistered(bob, "e3", 3, "tablet", "ios", "t2"),
                UserEvent.privacySet(
                        carol, "e4", 4, privacy("contacts", "nobody", false, "contacts")),
                // the phone registers a new token before FCM's report on the old one comes in
                UserEvent.deviceRegistered(bob, "e5", 5, "phone", "android", "t3"),
                UserEvent.pushTokenRemoved(bob, "e6", 6, "phone", "t1"),
                UserEvent.pushTokenRemoved(bob, "e7", 7, "tablet", "t2"),
                UserEvent.mediaRegistered(
                        bob,
                        "e8",
                        8,
                        new UserEvent.Media(
                                mediaId, "room-1", "image/png", 2048, "ab12", "media/x", 1_008)),
                UserEvent.privacySet(
                        bob, "e9", 9, privacy("contacts", "contacts", false, "nobody")));
    }

    /** The test users' rows and privacy hashes, as text (the ids as bob, carol). */
    private String projections() {
        StringBuilder out = new StringBuilder();
        for (String user : List.of(bob, carol)) {
            String name = user.equals(bob) ? "bob" : "carol";
            for (Row row :
                    cassandra.execute(
                            "SELECT online_visibility, last_seen_visibility, read_receipts,"
                                    + " group_adds FROM parley.user_settings WHERE user_id = ?",
                            user)) {
                out.append("settings ")
                        .append(name)
                        .append(' ')
                        .append(
                                String.join(
                                        "|",
                                        row.getString(0),
                                        row.getString(1),
                                        String.valueOf(row.getObject(2)),
                                        row.getString(3)))
                        .append('\n');
            }
            for (Row row :
                    cassandra.execute(
                            "SELECT device_id, platform, push_token, updated_at FROM parley.devices"
                                    + " WHERE user_id = ?",
                            user)) {
                out.append("device ")
                        .append(name)
                        .append(' ')
                        .append(
                                String.join(
                                        "|",
                                        row.getString(0),
                                        row.getString(1),
                                        row.getString(2),
                                        String.valueOf(row.getObject(3))))
                        .append('\n');
            }
            Map<String, String> hash = redis.hgetAll(RedisKeys.privacy(user));
            if (!hash.isEmpty()) {
                out.append("privacy ").append(name).append(' ').append(new TreeMap<>(hash));
                out.append('\n');
            }
        }
        for (Row row :
                cassandra.execute(
                        "SELECT room_id, uploader, mime, size, sha256, object_key, created_at"
                                + " FROM parley.media WHERE media_id = ?",
                        mediaId)) {
            out.append("media ")
                    .append(
                            String.join(
                                    "|",
                                    row.getString(0),
                                    row.getString(1).equals(bob) ? "bob" : row.getString(1),
                                    row.getString(2),
                                    String.valueOf(row.getObject(3)),
                                    row.getString(4),
                                    row.getString(5),
                                    String.valueOf(row.getObject(6))))
                    .append('\n');
        }
        return out.toString();
    }

    private String expected(List<String> positions) {
        return "settings bob contacts|contacts|false|nobody\n"
                + "device bob phone|android|t3|5\n"
                + "privacy bob {group_adds=nobody, last_seen=contacts, online=contacts,"
                + " read_receipts=false, v="
                + positions.get(8)
                + "}\n"
                + "settings carol contacts|nobody|false|contacts\n"
                + "privacy carol {group_adds=contacts, last_seen=nobody, online=contacts,"
                + " read_receipts=false, v="
                + positions.get(3)
                + "}\n"
                + "media room-1|bob|image/png|2048|ab12|media/x|1008\n";
    }

    @Test
    void shouldProjectTheUsersLogIntoTheirRowsAndPrivacyCaches() throws Exception {
        List<String> positions = append(log());

        startJob();

        // acknowledged = written: the job acks on checkpoints, after its sinks flushed
        eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());
        // the phone kept its new token; the tablet's dead one took the tablet with it; the hashes
        // are versioned by the very positions the producer got back (as the edge's are)
        assertThat(projections()).isEqualTo(expected(positions));
    }

    @Test
    void shouldNeverPutOlderSettingsOverTheEdgesNewerCache() throws Exception {
        List<String> positions = append(log());
        // the edge refreshed the hash after a later append than any of the log's
        String later = positions.get(8).replaceFirst("^\\d{19}", "9".repeat(19));
        redis.eval(
                RedisKeys.VERSIONED_HSET_SCRIPT,
                List.of(RedisKeys.privacy(bob)),
                List.of(later, "online", "nobody"));

        startJob();

        eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());
        assertThat(redis.hgetAll(RedisKeys.privacy(bob)))
                .containsEntry("online", "nobody")
                .containsEntry("v", later);
        assertThat(redis.hget(RedisKeys.privacy(carol), "v")).isEqualTo(positions.get(3));
    }

    @Test
    void shouldRebuildIdenticalProjectionsByReplayingFromEarliestAfterAWipe() throws Exception {
        List<String> positions = append(log());
        JobClient first = startJob();
        eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());
        String before = projections();
        assertThat(before).isEqualTo(expected(positions));
        cancel(first);

        // wiped (the test's rows only: the tables are shared; the replay writes at later
        // timestamps than these deletions, as after a TRUNCATE), then replayed from earliest
        cleanUp();
        assertThat(projections()).isEmpty();
        new PulsarAdminRest(CONFIG.pulsarAdminUrl()).resetCursor(topic, subscription, 0);
        startJob();

        eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());
        assertThat(projections()).isEqualTo(before);
    }

    @Test
    void shouldDropATokenThePushJobFoundDeadThroughTheUsersLog() throws Exception {
        String dead = LocalFcmReceiver.INVALID_PREFIX + bob;
        String live = "ok-" + bob;
        append(
                List.of(
                        UserEvent.deviceRegistered(bob, "e1", 1, "phone", "android", dead),
                        UserEvent.deviceRegistered(bob, "e2", 2, "tablet", "ios", live)));
        startJob();
        eventually(
                DEADLINE,
                () -> assertThat(projections()).contains("device bob phone").contains("tablet"));
        String pushTopic = testTopic(Topics.PUSH);
        produce(
                pushTopic,
                Topics.PUSH,
                PushRequest::userId,
                List.of(new PushRequest("room-1", 1, "m1", "alice", bob, "hi", 1)));

        LocalToken token = LocalToken.generate();
        try (LocalFcmReceiver fcm = LocalFcmReceiver.start("127.0.0.1", 0, token)) {
            run(
                    PushJob.NAME,
                    env ->
                            new PushJob(
                                            PulsarConnectors.source(
                                                    CONFIG,
                                                    pushTopic,
                                                    unique("parley-it-push"),
                                                    JsonEventDeserializer.of(Topics.PUSH)),
                                            new PushSink(
                                                    CONFIG.cassandraHost(),
                                                    CONFIG.cassandraPort(),
                                                    "parley-it",
                                                    "http://127.0.0.1:" + fcm.port(),
                                                    token.value(),
                                                    CONFIG.pulsarServiceUrl(),
                                                    topic),
                                            1_000)
                                    .build(env));

            // the live token got its push, the dead one came back through the log and went
            eventually(
                    DEADLINE,
                    () ->
                            assertThat(projections())
                                    .doesNotContain("device bob phone")
                                    .contains("device bob tablet|ios|" + live));
            assertThat(acceptedTokens(fcm, token)).containsExactly(live);
        }
        UserEvent reported = lastEntry();
        assertThat(reported.kind()).isEqualTo(UserEvent.PUSH_TOKEN_REMOVED);
        assertThat(reported.userId()).isEqualTo(bob);
        assertThat(reported.deviceId()).isEqualTo("phone");
        assertThat(reported.pushToken()).isEqualTo(dead);
    }

    private static List<String> acceptedTokens(LocalFcmReceiver fcm, LocalToken token)
            throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + fcm.port()
                                                                + "/requests"))
                                        .header("Authorization", "Bearer " + token.value())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        List<String> tokens = new ArrayList<>();
        for (JsonNode request : Json.MAPPER.readTree(response.body())) {
            tokens.add(request.path("message").path("token").asText());
        }
        return tokens;
    }

    /** The last entry of the test's users' log. */
    private UserEvent lastEntry() throws Exception {
        UserEvent last = null;
        try (Reader<String> reader =
                pulsar.newReader(Schema.STRING)
                        .topic(topic)
                        .startMessageId(MessageId.earliest)
                        .create()) {
            while (reader.hasMessageAvailable()) {
                Message<String> message = reader.readNext(10, TimeUnit.SECONDS);
                last = Topics.USERS.decode(message.getValue());
            }
        }
        return last;
    }
}

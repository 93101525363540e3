package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.core.SearchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.edge.EdgeConfig;
import io.parley.edge.store.Backends;
import io.parley.schemas.Json;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each server of the stack is reachable and usable through the client the project uses. */
class StackIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static EdgeConfig config;
    static Backends backends;

    @BeforeAll
    static void connect() throws Exception {
        config = EdgeStack.config(Map.of());
        backends = Backends.connect(config);
    }

    @AfterAll
    static void close() {
        backends.close();
    }

    static JsonNode getJson(String url) throws Exception {
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void shouldProduceAndConsumeOnARoomTopic() throws Exception {
        String room = "itstack" + UUID.randomUUID().toString().substring(0, 8);
        var topic = Topics.room(room);
        SendCommand send = new SendCommand(room, "u", "d", "gw", "c1", "hello", null, null, 1, 2);
        try (Consumer<String> consumer =
                        backends.pulsar
                                .newConsumer(Schema.STRING)
                                .topic(topic.name())
                                .subscriptionName("it-stack")
                                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                                .subscribe();
                Producer<String> producer =
                        backends.pulsar.newProducer(Schema.STRING).topic(topic.name()).create()) {
            producer.newMessage().key(room).value(topic.encode(send)).send();
            Message<String> got = consumer.receive(20, TimeUnit.SECONDS);

            assertThat(got).isNotNull();
            assertThat(topic.decode(got.getValue())).isEqualTo(send);
        }
    }

    @Test
    void shouldRoundTripThroughCassandra() {
        String id = UUID.randomUUID().toString();
        backends.cql.execute(
                "INSERT INTO parley.rooms (room_id, kind, name) VALUES (?, 'group', 'stack-it')",
                id);

        var row = backends.cql.execute("SELECT name FROM parley.rooms WHERE room_id = ?", id).one();

        assertThat(row.getString("name")).isEqualTo("stack-it");
        backends.cql.execute("DELETE FROM parley.rooms WHERE room_id = ?", id);
    }

    @Test
    void shouldRoundTripThroughRedis() {
        String key = "it:" + UUID.randomUUID();
        backends.redis.setex(key, 30, "v");

        assertThat(backends.redis.get(key)).isEqualTo("v");
    }

    @Test
    void shouldIndexAndSearchInElasticsearch() throws Exception {
        String index = "it-stack-" + UUID.randomUUID().toString().substring(0, 8);
        backends.es.index(
                i ->
                        i.index(index)
                                .id("1")
                                .document(Map.of("body", "zebra crossing"))
                                .refresh(co.elastic.clients.elasticsearch._types.Refresh.True));

        SearchResponse<Map> r =
                backends.es.search(
                        s ->
                                s.index(index)
                                        .query(q -> q.match(m -> m.field("body").query("zebra"))),
                        Map.class);

        assertThat(r.hits().hits()).hasSize(1);
        backends.es.indices().delete(d -> d.index(index));
    }

    @Test
    void shouldPutThroughAPresignedUrlAndGetTheSameBytes() throws Exception {
        String key = "it/" + UUID.randomUUID();
        byte[] bytes = ("stack-it " + key).getBytes();
        var put =
                backends.presigner.presignPutObject(
                        p ->
                                p.signatureDuration(Duration.ofMinutes(1))
                                        .putObjectRequest(
                                                o ->
                                                        o.bucket(config.s3Bucket())
                                                                .key(key)
                                                                .contentType("text/plain")));
        HttpResponse<String> putReply =
                HTTP.send(
                        HttpRequest.newBuilder(put.url().toURI())
                                .header("Content-Type", "text/plain")
                                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        var get =
                backends.presigner.presignGetObject(
                        p ->
                                p.signatureDuration(Duration.ofMinutes(1))
                                        .getObjectRequest(
                                                o -> o.bucket(config.s3Bucket()).key(key)));
        HttpResponse<byte[]> getReply =
                HTTP.send(
                        HttpRequest.newBuilder(get.url().toURI()).build(),
                        HttpResponse.BodyHandlers.ofByteArray());

        assertThat(putReply.statusCode()).isEqualTo(200);
        assertThat(getReply.statusCode()).isEqualTo(200);
        assertThat(getReply.body()).isEqualTo(bytes);
    }

    @Test
    void shouldListEveryFlinkJobRunningOnTheDashboard() throws Exception {
        List<String> expected =
                Files.readAllLines(Path.of("..", "flink-jobs", "jobs.txt")).stream()
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList();
        JsonNode jobs = getJson("http://127.0.0.1:8081/jobs/overview").path("jobs");

        for (String name : expected) {
            boolean running = false;
            for (JsonNode job : jobs) {
                running |=
                        name.equals(job.path("name").asText())
                                && "RUNNING".equals(job.path("state").asText());
            }
            assertThat(running).as(name + " RUNNING in " + jobs).isTrue();
        }
        assertThat(expected).isNotEmpty();
    }

    @Test
    void shouldRunTheDeployedFunctions() throws Exception {
        for (String fn : List.of("sequencer", "fanout")) {
            JsonNode status =
                    getJson(
                            config.pulsarAdminUrl()
                                    + "/admin/v3/functions/parley/functions/"
                                    + fn
                                    + "/status");

            assertThat(status.path("numRunning").asInt()).as(fn).isGreaterThanOrEqualTo(1);
        }
    }
}

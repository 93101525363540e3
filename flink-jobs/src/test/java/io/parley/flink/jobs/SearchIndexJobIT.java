package io.parley.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch._types.mapping.DynamicMapping;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.flink.pulsar.PulsarAdminRest;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.sinks.ElasticsearchBulkSink;
import io.parley.flink.sinks.SearchIndex;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SearchIndexJobIT extends ParleyITBase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = miniCluster();

    private final String topic = testTopic(Topics.MESSAGES);
    private final String subscription = unique("parley-it-search");
    private final String room = unique("room");
    // the production index is shared: each test indexes into its own, with the same definition
    private final SearchIndex index = searchIndex(unique("messages-it"));

    @AfterEach
    void deleteIndex() throws Exception {
        if (index.exists()) {
            index.client().indices().delete(d -> d.index(index.name()));
        }
        index.close();
    }

    private JobClient startJob() throws Exception {
        return run(
                SearchIndexJob.NAME,
                env ->
                        new SearchIndexJob(
                                        PulsarConnectors.source(
                                                CONFIG,
                                                topic,
                                                subscription,
                                                PersistenceJob.messageRows()),
                                        new ElasticsearchBulkSink(
                                                CONFIG.esUrl(),
                                                index.name(),
                                                50,
                                                Duration.ofMillis(200)))
                                .build(env));
    }

    private List<SequencedMessage> messages(long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(
                        seq ->
                                message(
                                        room,
                                        seq,
                                        (seq % 2 == 0 ? "even" : "odd") + " number " + seq))
                .toList();
    }

    private long searchable(String word) throws Exception {
        SearchResponse<JsonNode> found =
                index.client()
                        .search(
                                s ->
                                        s.index(index.name())
                                                .size(0)
                                                .trackTotalHits(t -> t.enabled(true))
                                                .query(
                                                        q ->
                                                                q.bool(
                                                                        b ->
                                                                                b.filter(
                                                                                                f ->
                                                                                                        f
                                                                                                                .term(
                                                                                                                        t ->
                                                                                                                                t.field(
                                                                                                                                                "room_id")
                                                                                                                                        .value(
                                                                                                                                                room)))
                                                                                        .must(
                                                                                                m ->
                                                                                                        m
                                                                                                                .match(
                                                                                                                        t ->
                                                                                                                                t.field(
                                                                                                                                                "body")
                                                                                                                                        .query(
                                                                                                                                                word))))),
                                JsonNode.class);
        return found.hits().total().value();
    }

    @Test
    void shouldIndexEveryMessageOnceUnderRoomAndSeq() throws Exception {
        List<SequencedMessage> log = new java.util.ArrayList<>(messages(1, 120));
        log.addAll(messages(10, 20));
        produce(topic, Topics.MESSAGES, SequencedMessage::roomId, log);

        startJob();

        eventually(DEADLINE, () -> assertThat(searchable("number")).isEqualTo(120));
        assertThat(searchable("even")).isEqualTo(60);
        GetResponse<JsonNode> doc =
                index.client().get(g -> g.index(index.name()).id(room + ":7"), JsonNode.class);
        assertThat(doc.source().toString())
                .isEqualTo(
                        "{\"room_id\":\""
                                + room
                                + "\",\"seq\":7,\"msg_id\":\"m-"
                                + room
                                + "-7\",\"sender_id\":\"alice\",\"client_msg_id\":\"c-7\",\"body\":\"odd number 7\",\"ts\":1700000000007}");
    }

    @Test
    void shouldRecreateADeletedIndexWithItsMappingAndRefillItOnReplay() throws Exception {
        produce(topic, Topics.MESSAGES, SequencedMessage::roomId, messages(1, 80));
        JobClient first = startJob();
        eventually(DEADLINE, () -> assertThat(searchable("number")).isEqualTo(80));
        cancel(first);

        index.client().indices().delete(d -> d.index(index.name()));
        new PulsarAdminRest(CONFIG.pulsarAdminUrl()).resetCursor(topic, subscription, 0);
        startJob();

        eventually(DEADLINE, () -> assertThat(searchable("number")).isEqualTo(80));
        assertThat(
                        index.client()
                                .indices()
                                .getMapping(m -> m.index(index.name()))
                                .get(index.name())
                                .mappings()
                                .dynamic())
                .isEqualTo(DynamicMapping.Strict);
    }
}

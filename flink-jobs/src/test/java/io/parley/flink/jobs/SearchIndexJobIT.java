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
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
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

    private SequencedMessage event(long seq, String actor, RoomEvent event) {
        long ts = 1_700_000_000_000L + seq;
        return new SequencedMessage(
                room, seq, "e" + seq, actor, null, "gw1", "c" + seq, null, null, null, ts, ts, ts,
                event, null);
    }

    private long documents() throws Exception {
        return index.client()
                .count(
                        c ->
                                c.index(index.name())
                                        .query(q -> q.term(t -> t.field("room_id").value(room))))
                .count();
    }

    private JsonNode source(long seq) throws Exception {
        GetResponse<JsonNode> doc =
                index.client().get(g -> g.index(index.name()).id(room + ":" + seq), JsonNode.class);
        return doc.found() ? doc.source() : null;
    }

    @Test
    void shouldFindAnEditedMessageByItsLatestBodyAndNeverADeletedOne() throws Exception {
        List<SequencedMessage> log = new ArrayList<>();
        log.add(message(room, 1, "alpha one"));
        log.add(message(room, 2, "beta two"));
        log.add(message(room, 3, "gamma three"));
        log.add(event(4, "alice", RoomEvent.edited(1, "delta one")));
        log.add(event(5, "alice", RoomEvent.deleted(2)));
        log.add(event(6, "bob", RoomEvent.reaction(3, "👍", true)));
        log.add(event(7, "alice", RoomEvent.memberAdded("carol", RoomEvent.MEMBER)));
        log.add(event(8, "alice", RoomEvent.edited(1, "epsilon one")));
        produce(topic, Topics.MESSAGES, SequencedMessage::roomId, log);
        JobClient first = startJob();

        Check latest =
                () -> {
                    assertThat(searchable("epsilon")).isEqualTo(1);
                    assertThat(searchable("alpha")).isZero();
                    assertThat(searchable("delta")).isZero();
                    assertThat(searchable("beta")).isZero();
                    assertThat(searchable("gamma")).isEqualTo(1);
                    // events are no documents
                    assertThat(documents()).isEqualTo(2);
                    assertThat(source(2)).isNull();
                    // an edit changes the body only
                    assertThat(source(1).toString())
                            .isEqualTo(
                                    "{\"room_id\":\""
                                            + room
                                            + "\",\"seq\":1,\"msg_id\":\"m-"
                                            + room
                                            + "-1\",\"sender_id\":\"alice\",\"client_msg_id\":\"c-1\",\"body\":\"epsilon one\",\"ts\":1700000000001}");
                };
        eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());
        eventually(DEADLINE, latest);
        cancel(first);

        // rebuilt in log order from nothing, it ends the same
        index.client().indices().delete(d -> d.index(index.name()));
        new PulsarAdminRest(CONFIG.pulsarAdminUrl()).resetCursor(topic, subscription, 0);
        startJob();

        eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());
        eventually(DEADLINE, latest);
    }

    @Test
    void shouldResumeWhereItsSubscriptionStandsWhenStartedWithoutState() throws Exception {
        produce(topic, Topics.MESSAGES, SequencedMessage::roomId, messages(1, 50));
        JobClient first = startJob();
        eventually(DEADLINE, () -> assertThat(searchable("number")).isEqualTo(50));
        eventually(DEADLINE, () -> assertThat(backlog(topic, subscription)).isZero());
        cancel(first);

        produce(topic, Topics.MESSAGES, SequencedMessage::roomId, messages(51, 80));
        startJob();

        eventually(DEADLINE, () -> assertThat(searchable("number")).isEqualTo(80));
        // acknowledged messages were not read again: indexing a document again bumps its version
        // (the Cassandra projections cannot tell: they rewrite identical cells at the same time)
        assertThat(
                        index.client()
                                .get(g -> g.index(index.name()).id(room + ":1"), JsonNode.class)
                                .version())
                .isEqualTo(1L);
    }
}

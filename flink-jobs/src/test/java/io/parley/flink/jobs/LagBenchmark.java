package io.parley.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.Row;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.sinks.ElasticsearchBulkSink;
import io.parley.flink.sinks.SearchIndex;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Measures publish -> row visible in Cassandra and publish -> searchable in Elasticsearch over
 * {@value #MESSAGES} messages published at {@value #RATE_PER_SECOND}/s, both jobs at parallelism 2
 * in one MiniCluster. A benchmark, not a test (not matched by *IT): run it with {@code mvn -pl
 * flink-jobs verify -DskipITs=false -Dit.test=LagBenchmark}; prints and writes target/lag.txt.
 * Resolution: the stores are polled every {@value #POLL_MS} ms.
 */
class LagBenchmark extends ParleyITBase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = miniCluster(2);

    static final int MESSAGES = 2000;
    static final int RATE_PER_SECOND = 200;
    static final long POLL_MS = 20;

    private final String topic = testTopic(Topics.MESSAGES);
    private final String room = unique("lag");
    private final SearchIndex index = searchIndex(unique("messages-lag"));
    private final ScheduledExecutorService pollers = Executors.newScheduledThreadPool(2);

    @AfterEach
    void cleanUp() throws Exception {
        pollers.shutdownNow();
        if (index.exists()) {
            index.client().indices().delete(d -> d.index(index.name()));
        }
        index.close();
        for (long bucket = 0; bucket <= MESSAGES / 1000; bucket++) {
            cassandra.execute(
                    "DELETE FROM parley.messages_by_room WHERE room_id = ? AND bucket = ?",
                    room,
                    bucket);
        }
    }

    @Test
    void shouldMeasurePersistenceAndSearchLag() throws Exception {
        run(
                PersistenceJob.NAME,
                env ->
                        new PersistenceJob(
                                        PulsarConnectors.source(
                                                CONFIG,
                                                topic,
                                                unique("parley-lag-p"),
                                                PersistenceJob.messageRows()),
                                        PersistenceJob.Sinks.of(
                                                CONFIG.cassandraHost(),
                                                CONFIG.cassandraPort(),
                                                CONFIG.redisUrl()))
                                .build(env));
        run(
                SearchIndexJob.NAME,
                env ->
                        new SearchIndexJob(
                                        PulsarConnectors.source(
                                                CONFIG,
                                                topic,
                                                unique("parley-lag-s"),
                                                PersistenceJob.messageRows()),
                                        new ElasticsearchBulkSink(
                                                CONFIG.esUrl(),
                                                index.name(),
                                                CONFIG.esBulkActions(),
                                                CONFIG.esFlushInterval()))
                                .build(env));
        // the jobs are up once a first message made it through both
        try (Producer<String> producer = pulsar.newProducer(Schema.STRING).topic(topic).create()) {
            producer.newMessage()
                    .key(room)
                    .value(Topics.MESSAGES.encode(message(room, 0, "warm up")))
                    .send();
        }
        eventually(DEADLINE, () -> assertThat(index.exists()).isTrue());

        AtomicLongArray published = new AtomicLongArray(MESSAGES + 1);
        AtomicLongArray stored = new AtomicLongArray(MESSAGES + 1);
        AtomicLongArray searchable = new AtomicLongArray(MESSAGES + 1);
        ConcurrentSkipListSet<Long> unstored = new ConcurrentSkipListSet<>();
        ConcurrentSkipListSet<Long> unsearchable = new ConcurrentSkipListSet<>();
        for (long seq = 1; seq <= MESSAGES; seq++) {
            unstored.add(seq);
            unsearchable.add(seq);
        }
        PreparedStatement select =
                cassandra.prepare(
                        "SELECT seq FROM parley.messages_by_room WHERE room_id = ? AND bucket = ? AND seq >= ?");
        pollers.scheduleWithFixedDelay(
                () -> {
                    if (unstored.isEmpty()) {
                        return;
                    }
                    long from = unstored.first();
                    for (long bucket = SequencedMessage.bucketOf(from);
                            bucket <= MESSAGES / 1000;
                            bucket++) {
                        for (Row row : cassandra.execute(select.bind(room, bucket, from))) {
                            long seq = row.getLong(0);
                            if (unstored.remove(seq)) {
                                stored.set((int) seq, System.currentTimeMillis());
                            }
                        }
                    }
                },
                0,
                POLL_MS,
                TimeUnit.MILLISECONDS);
        pollers.scheduleWithFixedDelay(
                () -> {
                    if (unsearchable.isEmpty()) {
                        return;
                    }
                    long from = unsearchable.first();
                    try {
                        SearchResponse<JsonNode> found =
                                index.client()
                                        .search(
                                                s ->
                                                        s.index(index.name())
                                                                .size(1000)
                                                                .source(
                                                                        src ->
                                                                                src.filter(
                                                                                        f ->
                                                                                                f
                                                                                                        .includes(
                                                                                                                "seq")))
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
                                                                                                        .filter(
                                                                                                                f ->
                                                                                                                        f
                                                                                                                                .range(
                                                                                                                                        r ->
                                                                                                                                                r
                                                                                                                                                        .number(
                                                                                                                                                                n ->
                                                                                                                                                                        n.field(
                                                                                                                                                                                        "seq")
                                                                                                                                                                                .gte(
                                                                                                                                                                                        (double)
                                                                                                                                                                                                from)))))),
                                                JsonNode.class);
                        long now = System.currentTimeMillis();
                        for (Hit<JsonNode> hit : found.hits().hits()) {
                            long seq = hit.source().get("seq").asLong();
                            if (unsearchable.remove(seq)) {
                                searchable.set((int) seq, now);
                            }
                        }
                    } catch (Exception e) {
                        // the next poll tries again
                    }
                },
                0,
                POLL_MS,
                TimeUnit.MILLISECONDS);

        try (Producer<String> producer =
                pulsar.newProducer(Schema.STRING).topic(topic).enableBatching(false).create()) {
            long start = System.nanoTime();
            for (int seq = 1; seq <= MESSAGES; seq++) {
                long due = start + seq * 1_000_000_000L / RATE_PER_SECOND;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                long now = System.currentTimeMillis();
                published.set(seq, now);
                SequencedMessage m =
                        new SequencedMessage(
                                room,
                                seq,
                                "m" + seq,
                                "alice",
                                "d",
                                "gw",
                                "c" + seq,
                                "lag probe " + seq,
                                null,
                                null,
                                now,
                                now,
                                now);
                producer.newMessage().key(room).value(Topics.MESSAGES.encode(m)).sendAsync();
            }
            producer.flush();
        }
        eventually(Duration.ofSeconds(120), () -> assertThat(unstored).isEmpty());
        eventually(Duration.ofSeconds(120), () -> assertThat(unsearchable).isEmpty());

        String report =
                "lag over "
                        + MESSAGES
                        + " messages at "
                        + RATE_PER_SECOND
                        + "/s (poll "
                        + POLL_MS
                        + " ms):\n"
                        + summary("publish -> Cassandra row", published, stored)
                        + summary("publish -> searchable   ", published, searchable);
        System.out.print(report);
        Files.writeString(Path.of("target", "lag.txt"), report);
    }

    private static String summary(String what, AtomicLongArray from, AtomicLongArray to) {
        Histogram all = new Histogram(3);
        Histogram first = new Histogram(3);
        Histogram last = new Histogram(3);
        int n = from.length() - 1;
        for (int seq = 1; seq <= n; seq++) {
            long lag = Math.max(0, to.get(seq) - from.get(seq));
            all.recordValue(lag);
            (seq <= n / 10 ? first : seq > n - n / 10 ? last : new Histogram(3)).recordValue(lag);
        }
        // first and last tenth apart: a lag that grows along the run is a throughput limit
        return String.format(
                "%s p50 %d ms, p99 %d ms, max %d ms (first tenth p50 %d ms, last tenth p50 %d ms)%n",
                what,
                all.getValueAtPercentile(50),
                all.getValueAtPercentile(99),
                all.getMaxValue(),
                first.getValueAtPercentile(50),
                last.getValueAtPercentile(50));
    }
}

package io.parley.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Session;
import io.parley.flink.ParleyConfig;
import io.parley.flink.sinks.CassandraClusterBuilder;
import io.parley.flink.sinks.SearchIndex;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.topics.Topic;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.JedisPooled;

/**
 * Fixtures of the jobs' integration tests: a MiniCluster at parallelism 2 (each test class
 * registers its own through {@link #miniCluster()}), clients of the REAL Pulsar, Cassandra,
 * Elasticsearch and Redis on 127.0.0.1 (started by {@code ./parley up}, never by a test, never
 * stopped), unique topics/subscriptions/rooms per test, and {@link #eventually}: poll with a
 * deadline.
 */
public abstract class ParleyITBase {
    protected static final int PARALLELISM = 2;
    protected static final Duration DEADLINE = Duration.ofSeconds(60);

    protected static final ParleyConfig CONFIG =
            ParleyConfig.fromEnv()
                    .withParallelism(PARALLELISM)
                    .withMetricsIdle(Duration.ofSeconds(1));

    protected static PulsarClient pulsar;
    protected static Cluster cassandraCluster;
    protected static Session cassandra;
    protected static JedisPooled redis;

    private final List<JobClient> jobs = new ArrayList<>();

    /** A MiniCluster with exactly the slots of one job at parallelism 2. */
    protected static MiniClusterExtension miniCluster() {
        return miniCluster(1);
    }

    /** A MiniCluster with the slots of {@code jobs} jobs at parallelism 2. */
    protected static MiniClusterExtension miniCluster(int jobs) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(jobs * PARALLELISM)
                        .build());
    }

    @BeforeAll
    static void connectToTheStack() throws Exception {
        requireListening("Pulsar", 6650);
        requireListening("Cassandra", 9042);
        requireListening("Elasticsearch", 9200);
        requireListening("Redis", URI.create(CONFIG.redisUrl()).getPort());
        pulsar = PulsarClient.builder().serviceUrl(CONFIG.pulsarServiceUrl()).build();
        cassandraCluster =
                new CassandraClusterBuilder(CONFIG.cassandraHost(), CONFIG.cassandraPort())
                        .getCluster();
        cassandra = cassandraCluster.connect();
        redis = new JedisPooled(URI.create(CONFIG.redisUrl()));
    }

    @AfterAll
    static void disconnect() throws Exception {
        if (redis != null) {
            redis.close();
        }
        if (cassandraCluster != null) {
            cassandraCluster.close();
        }
        if (pulsar != null) {
            pulsar.close();
        }
    }

    @AfterEach
    void cancelJobs() throws Exception {
        for (JobClient job : jobs) {
            job.cancel().get();
        }
        jobs.clear();
    }

    private static void requireListening(String what, int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            // listening
        } catch (IOException e) {
            throw new IllegalStateException(
                    what
                            + " is not listening on 127.0.0.1:"
                            + port
                            + ": start the servers with PARLEY_SKIP_BUILD=1 PARLEY_ONLY_SERVERS=1 ./parley up",
                    e);
        }
    }

    /** An id no other test run uses (valid as room id and in topic names). */
    /** The prefix of every id these tests make up. */
    public static final String TEST_MARK = "flinkit-";

    protected static String unique(String prefix) {
        // marked: these tests run the jobs on their own topics, not on the logs, so their rows
        // in the shared tables are not projections of the logs (RebuildIT leaves them out)
        return TEST_MARK + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A fresh topic in the events namespace, named after a registry topic. */
    protected static String testTopic(Topic<?> of) {
        return of.name() + "-" + unique("it");
    }

    /** Runs a job built into a fresh environment configured like production, at parallelism 2. */
    protected JobClient run(
            String name, java.util.function.Consumer<StreamExecutionEnvironment> job)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, CONFIG);
        job.accept(env);
        JobClient client = env.executeAsync(name);
        jobs.add(client);
        return client;
    }

    protected void cancel(JobClient job) throws Exception {
        job.cancel().get();
        job.getJobExecutionResult().handle((r, e) -> null).get();
        jobs.remove(job);
    }

    /** Publishes events as production does: JSON with schema STRING, keyed. */
    protected static <E> void produce(
            String topic, Topic<E> codec, Function<E, String> key, List<E> events)
            throws Exception {
        try (Producer<String> producer =
                pulsar.newProducer(Schema.STRING).topic(topic).enableBatching(true).create()) {
            for (E event : events) {
                producer.newMessage().key(key.apply(event)).value(codec.encode(event)).sendAsync();
            }
            producer.flush();
        }
    }

    protected static SequencedMessage message(String roomId, long seq, String body) {
        long ts = 1_700_000_000_000L + seq;
        return new SequencedMessage(
                roomId,
                seq,
                "m-" + roomId + "-" + seq,
                "alice",
                "d1",
                "gw1",
                "c-" + seq,
                body,
                null,
                null,
                ts,
                ts - 5,
                ts - 2);
    }

    protected static SearchIndex searchIndex(String name) {
        return SearchIndex.connect(CONFIG.esUrl(), name);
    }

    @FunctionalInterface
    protected interface Check {
        void run() throws Exception;
    }

    /**
     * Retries {@code check} until it passes or {@code deadline} is over (then its last failure).
     */
    protected static void eventually(Duration deadline, Check check) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError | Exception e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
            }
            // poll interval: a pause between attempts, not a wait for something to happen
            Thread.sleep(100);
        }
    }

    protected static void assertRunning(JobClient job) throws Exception {
        assertThat(job.getJobStatus().get().isTerminalState()).isFalse();
    }

    /** Messages of a topic not yet acknowledged by a subscription (the job acks on checkpoints). */
    protected static long backlog(String topic, String subscription) throws Exception {
        java.net.http.HttpResponse<String> response =
                java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(
                                                        CONFIG.pulsarAdminUrl()
                                                                + "/admin/v2/"
                                                                + topic.replace("://", "/")
                                                                + "/stats"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(response.body())
                .path("subscriptions")
                .path(subscription)
                .path("msgBacklog")
                .asLong(-1);
    }
}

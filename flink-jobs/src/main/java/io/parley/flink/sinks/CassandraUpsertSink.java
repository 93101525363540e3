package io.parley.flink.sinks;

import static io.parley.flink.sinks.CassandraClusterBuilder.KEYSPACE;

import io.parley.flink.records.CursorChange;
import io.parley.flink.records.MessageRow;
import io.parley.flink.records.MetricRow;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.streaming.connectors.cassandra.AbstractCassandraTupleSink;
import org.apache.flink.streaming.connectors.cassandra.CassandraSinkBaseConfig;
import org.apache.flink.streaming.connectors.cassandra.ClusterBuilder;
import org.apache.flink.streaming.connectors.cassandra.NoOpCassandraFailureHandler;

/**
 * flink-connector-cassandra's sink for Parley's records: an {@code INSERT} (an upsert by primary
 * key, so writing the same record twice changes nothing) bound from a record by an {@link
 * Extractor}. The connector waits for every pending write before a checkpoint completes, so the
 * sources only acknowledge what is stored; null fields are left unset rather than written as
 * tombstones.
 */
public final class CassandraUpsertSink<T> extends AbstractCassandraTupleSink<T> {
    private static final long serialVersionUID = 1L;

    /** The bind values of one record, in the order of the statement's markers. */
    @FunctionalInterface
    public interface Extractor<T> extends Serializable {
        Object[] values(T record);
    }

    public static final String INSERT_MESSAGE =
            "INSERT INTO "
                    + KEYSPACE
                    + ".messages_by_room (room_id, bucket, seq, msg_id, sender_id, client_msg_id,"
                    + " body, media, reply_to_seq, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    public static final String UPSERT_CURSOR =
            "INSERT INTO "
                    + KEYSPACE
                    + ".room_cursors (room_id, user_id, delivered_seq, read_seq, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?)";

    public static final String INSERT_METRIC =
            "INSERT INTO "
                    + KEYSPACE
                    + ".delivery_stats (metric, window_end, count, p50, p95, p99, max)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)";

    /** At most this many writes of one sink instance in flight (the driver queues 256). */
    static final int MAX_IN_FLIGHT = 64;

    private final Extractor<T> extractor;

    public CassandraUpsertSink(String cql, ClusterBuilder cluster, Extractor<T> extractor) {
        super(
                cql,
                cluster,
                CassandraSinkBaseConfig.newBuilder()
                        .setIgnoreNullFields(true)
                        // bounded in-flight writes: a burst (a replay, a restart's backlog) waits
                        // here (backpressure) instead of overflowing the driver's request queue
                        // (BusyPoolException, then a job restart loop)
                        .setMaxConcurrentRequests(MAX_IN_FLIGHT)
                        .setMaxConcurrentRequestsTimeout(Duration.ofMinutes(1))
                        .build(),
                new NoOpCassandraFailureHandler());
        this.extractor = extractor;
    }

    @Override
    protected Object[] extract(T record) {
        return extractor.values(record);
    }

    /** {@code messages_by_room}, idempotent on (room_id, bucket, seq). */
    public static CassandraUpsertSink<MessageRow> messages(String host, int port) {
        return new CassandraUpsertSink<>(
                INSERT_MESSAGE,
                new CassandraClusterBuilder(host, port),
                m ->
                        new Object[] {
                            m.roomId(),
                            m.bucket(),
                            m.seq(),
                            m.msgId(),
                            m.senderId(),
                            m.clientMsgId(),
                            m.body(),
                            m.media(),
                            m.replyToSeq(),
                            m.ts()
                        });
    }

    /**
     * {@code room_cursors}: the whole row from the keyed high-water marks. The driver stamps writes
     * with a monotonic client timestamp, so of two in-flight writes for one member the later
     * (higher) one wins.
     */
    public static CassandraUpsertSink<CursorChange> cursors(String host, int port) {
        return new CassandraUpsertSink<>(
                UPSERT_CURSOR,
                new CassandraClusterBuilder(host, port),
                c -> new Object[] {c.roomId(), c.userId(), c.deliveredSeq(), c.readSeq(), c.ts()});
    }

    /** {@code delivery_stats}, one row per metric and window. */
    public static CassandraUpsertSink<MetricRow> metrics(String host, int port) {
        return new CassandraUpsertSink<>(
                INSERT_METRIC,
                new CassandraClusterBuilder(host, port),
                r ->
                        new Object[] {
                            r.metric(), r.windowEnd(), r.count(), r.p50(), r.p95(), r.p99(), r.max()
                        });
    }
}

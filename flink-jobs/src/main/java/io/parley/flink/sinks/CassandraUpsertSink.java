package io.parley.flink.sinks;

import static io.parley.flink.sinks.CassandraClusterBuilder.KEYSPACE;

import io.parley.flink.records.CursorChange;
import io.parley.flink.records.DeviceRemoval;
import io.parley.flink.records.DeviceRow;
import io.parley.flink.records.DeviceState;
import io.parley.flink.records.MediaRow;
import io.parley.flink.records.MemberRemoval;
import io.parley.flink.records.MemberRow;
import io.parley.flink.records.MessageDeletion;
import io.parley.flink.records.MessageEdit;
import io.parley.flink.records.MessageRow;
import io.parley.flink.records.MetricRow;
import io.parley.flink.records.ProjectionWrite;
import io.parley.flink.records.ReactionChange;
import io.parley.flink.records.RoleChange;
import io.parley.flink.records.RoomRename;
import io.parley.flink.records.RoomRow;
import io.parley.flink.records.SettingsRow;
import io.parley.flink.records.UserWrite;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.streaming.connectors.cassandra.AbstractCassandraTupleSink;
import org.apache.flink.streaming.connectors.cassandra.CassandraSinkBaseConfig;
import org.apache.flink.streaming.connectors.cassandra.ClusterBuilder;
import org.apache.flink.streaming.connectors.cassandra.NoOpCassandraFailureHandler;

/**
 * flink-connector-cassandra's sink for Parley's records: one CQL statement (an {@code INSERT}, an
 * upsert by primary key; or an {@code UPDATE}/{@code DELETE} by primary key), bound from a record
 * by an {@link Extractor}, so writing the same record twice changes nothing. The connector waits
 * for every pending write before a checkpoint completes, so the sources only acknowledge what is
 * stored; null fields are left unset rather than written as tombstones (a statement that must write
 * nulls spells them in its CQL, like {@link #DELETE_MESSAGE}).
 *
 * <p>The projections of the room logs ({@code messages_by_room}, {@code rooms}, {@code
 * room_members}, {@code user_rooms}) are written {@code USING TIMESTAMP} the seq of the entry they
 * come from (see {@link ProjectionWrite}), those of the users' log ({@code user_settings}, {@code
 * devices}, {@code media}) {@code USING TIMESTAMP} the user projection's per-user clock (see {@link
 * UserWrite}): the marker is bound like any other value.
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
                    + " body, media, reply_to_seq, ts, event, ciphertext)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";

    public static final String EDIT_MESSAGE =
            "UPDATE "
                    + KEYSPACE
                    + ".messages_by_room USING TIMESTAMP ? SET body = ?, edited_ts = ?"
                    + " WHERE room_id = ? AND bucket = ? AND seq = ?";

    /** Nulls spelled out: the sink would leave a bound null unset. */
    public static final String DELETE_MESSAGE =
            "UPDATE "
                    + KEYSPACE
                    + ".messages_by_room USING TIMESTAMP ? SET body = null, media = null,"
                    + " deleted = true WHERE room_id = ? AND bucket = ? AND seq = ?";

    public static final String REACT_TO_MESSAGE =
            "UPDATE "
                    + KEYSPACE
                    + ".messages_by_room USING TIMESTAMP ? SET reactions[?] = ?"
                    + " WHERE room_id = ? AND bucket = ? AND seq = ?";

    public static final String INSERT_ROOM =
            "INSERT INTO "
                    + KEYSPACE
                    + ".rooms (room_id, kind, name, encrypted, created_by, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";

    public static final String RENAME_ROOM =
            "UPDATE " + KEYSPACE + ".rooms USING TIMESTAMP ? SET name = ? WHERE room_id = ?";

    public static final String INSERT_MEMBER =
            "INSERT INTO "
                    + KEYSPACE
                    + ".room_members (room_id, user_id, role, added_seq)"
                    + " VALUES (?, ?, ?, ?) USING TIMESTAMP ?";

    public static final String INSERT_USER_ROOM =
            "INSERT INTO "
                    + KEYSPACE
                    + ".user_rooms (user_id, room_id) VALUES (?, ?) USING TIMESTAMP ?";

    public static final String DELETE_MEMBER =
            "DELETE FROM "
                    + KEYSPACE
                    + ".room_members USING TIMESTAMP ? WHERE room_id = ? AND user_id = ?";

    public static final String DELETE_USER_ROOM =
            "DELETE FROM "
                    + KEYSPACE
                    + ".user_rooms USING TIMESTAMP ? WHERE user_id = ? AND room_id = ?";

    public static final String CHANGE_ROLE =
            "UPDATE "
                    + KEYSPACE
                    + ".room_members USING TIMESTAMP ? SET role = ?"
                    + " WHERE room_id = ? AND user_id = ?";

    public static final String UPSERT_SETTINGS =
            "INSERT INTO "
                    + KEYSPACE
                    + ".user_settings (user_id, online_visibility, last_seen_visibility,"
                    + " read_receipts, group_adds) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?";

    public static final String UPSERT_DEVICE =
            "INSERT INTO "
                    + KEYSPACE
                    + ".devices (user_id, device_id, platform, push_token, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?";

    public static final String DELETE_DEVICE =
            "DELETE FROM "
                    + KEYSPACE
                    + ".devices USING TIMESTAMP ? WHERE user_id = ? AND device_id = ?";

    /** Null columns are left unset (the sink ignores null fields): only the one that moved. */
    public static final String UPSERT_DEVICE_STATE =
            "INSERT INTO "
                    + KEYSPACE
                    + ".user_devices (user_id, device_id, seen_at, signed_out_at)"
                    + " VALUES (?, ?, ?, ?) USING TIMESTAMP ?";

    public static final String INSERT_MEDIA =
            "INSERT INTO "
                    + KEYSPACE
                    + ".media (media_id, room_id, uploader, mime, size, sha256, object_key,"
                    + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";

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

    private final String cql;
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
        this.cql = cql;
        this.extractor = extractor;
    }

    /** The statement this sink writes with. */
    String cql() {
        return cql;
    }

    @Override
    protected Object[] extract(T record) {
        return extractor.values(record);
    }

    private static <T> CassandraUpsertSink<T> sink(
            String cql, String host, int port, Extractor<T> extractor) {
        return new CassandraUpsertSink<>(cql, new CassandraClusterBuilder(host, port), extractor);
    }

    /** {@code messages_by_room}: every log entry's own row. */
    public static CassandraUpsertSink<MessageRow> messages(String host, int port) {
        return sink(
                INSERT_MESSAGE,
                host,
                port,
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
                            m.ts(),
                            m.event(),
                            m.ciphertext(),
                            m.entrySeq()
                        });
    }

    /** {@code messages_by_room}: an edit folded into its target row. */
    public static CassandraUpsertSink<MessageEdit> edits(String host, int port) {
        return sink(
                EDIT_MESSAGE,
                host,
                port,
                e ->
                        new Object[] {
                            e.entrySeq(),
                            e.body(),
                            e.editedTs(),
                            e.roomId(),
                            e.bucket(),
                            e.targetSeq()
                        });
    }

    /** {@code messages_by_room}: a deletion folded into its target row. */
    public static CassandraUpsertSink<MessageDeletion> deletions(String host, int port) {
        return sink(
                DELETE_MESSAGE,
                host,
                port,
                d -> new Object[] {d.entrySeq(), d.roomId(), d.bucket(), d.targetSeq()});
    }

    /** {@code messages_by_room}: a reaction folded into its target row. */
    public static CassandraUpsertSink<ReactionChange> reactions(String host, int port) {
        return sink(
                REACT_TO_MESSAGE,
                host,
                port,
                r ->
                        new Object[] {
                            r.entrySeq(), r.key(), r.active(), r.roomId(), r.bucket(), r.targetSeq()
                        });
    }

    /** {@code rooms}: a created room. */
    public static CassandraUpsertSink<RoomRow> rooms(String host, int port) {
        return sink(
                INSERT_ROOM,
                host,
                port,
                r ->
                        new Object[] {
                            r.roomId(),
                            r.kind(),
                            r.name(),
                            r.encrypted(),
                            r.createdBy(),
                            r.createdAt(),
                            r.entrySeq()
                        });
    }

    /** {@code rooms}: a new name. */
    public static CassandraUpsertSink<RoomRename> renames(String host, int port) {
        return sink(
                RENAME_ROOM, host, port, r -> new Object[] {r.entrySeq(), r.name(), r.roomId()});
    }

    /** {@code room_members}: a member joining (initial members, member_added). */
    public static CassandraUpsertSink<MemberRow> members(String host, int port) {
        return sink(
                INSERT_MEMBER,
                host,
                port,
                m -> new Object[] {m.roomId(), m.userId(), m.role(), m.addedSeq(), m.entrySeq()});
    }

    /** {@code user_rooms}: the same member joining, indexed by user. */
    public static CassandraUpsertSink<MemberRow> userRooms(String host, int port) {
        return sink(
                INSERT_USER_ROOM,
                host,
                port,
                m -> new Object[] {m.userId(), m.roomId(), m.entrySeq()});
    }

    /** {@code room_members}: a removed member. */
    public static CassandraUpsertSink<MemberRemoval> memberRemovals(String host, int port) {
        return sink(
                DELETE_MEMBER,
                host,
                port,
                r -> new Object[] {r.entrySeq(), r.roomId(), r.userId()});
    }

    /** {@code user_rooms}: the same removal, indexed by user. */
    public static CassandraUpsertSink<MemberRemoval> userRoomRemovals(String host, int port) {
        return sink(
                DELETE_USER_ROOM,
                host,
                port,
                r -> new Object[] {r.entrySeq(), r.userId(), r.roomId()});
    }

    /** {@code room_members}: a new role. */
    public static CassandraUpsertSink<RoleChange> roleChanges(String host, int port) {
        return sink(
                CHANGE_ROLE,
                host,
                port,
                r -> new Object[] {r.entrySeq(), r.role(), r.roomId(), r.userId()});
    }

    /** {@code user_settings}: a user's whole privacy settings. */
    public static CassandraUpsertSink<SettingsRow> settings(String host, int port) {
        return sink(
                UPSERT_SETTINGS,
                host,
                port,
                s ->
                        new Object[] {
                            s.userId(),
                            s.onlineVisibility(),
                            s.lastSeenVisibility(),
                            s.readReceipts(),
                            s.groupAdds(),
                            s.writeTs()
                        });
    }

    /** {@code devices}: a registered device with its current push token. */
    public static CassandraUpsertSink<DeviceRow> devices(String host, int port) {
        return sink(
                UPSERT_DEVICE,
                host,
                port,
                d ->
                        new Object[] {
                            d.userId(),
                            d.deviceId(),
                            d.platform(),
                            d.pushToken(),
                            d.updatedAt(),
                            d.writeTs()
                        });
    }

    /** {@code devices}: a device whose current token is dead. */
    public static CassandraUpsertSink<DeviceRemoval> deviceRemovals(String host, int port) {
        return sink(
                DELETE_DEVICE,
                host,
                port,
                d -> new Object[] {d.writeTs(), d.userId(), d.deviceId()});
    }

    /** {@code user_devices}: a device seen or signed out. */
    public static CassandraUpsertSink<DeviceState> deviceStates(String host, int port) {
        return sink(
                UPSERT_DEVICE_STATE,
                host,
                port,
                d ->
                        new Object[] {
                            d.userId(), d.deviceId(), d.seenAt(), d.signedOutAt(), d.writeTs()
                        });
    }

    /** {@code media}: a registered upload. */
    public static CassandraUpsertSink<MediaRow> media(String host, int port) {
        return sink(
                INSERT_MEDIA,
                host,
                port,
                m ->
                        new Object[] {
                            m.mediaId(),
                            m.roomId(),
                            m.uploader(),
                            m.mime(),
                            m.size(),
                            m.sha256(),
                            m.objectKey(),
                            m.createdAt(),
                            m.writeTs()
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

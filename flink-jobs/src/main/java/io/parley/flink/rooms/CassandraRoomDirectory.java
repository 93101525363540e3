package io.parley.flink.rooms;

import static io.parley.flink.sinks.CassandraClusterBuilder.KEYSPACE;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import io.parley.flink.records.Cursor;
import io.parley.flink.records.RoomKind;
import io.parley.flink.sinks.CassandraClusterBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The room directory on Cassandra ({@code rooms}, {@code room_members}, {@code room_cursors},
 * {@code user_settings}). A known room's kind never changes and is cached long; an unknown room
 * (not created yet, or created by a test after the first receipt), member counts and read-receipt
 * settings are cached for {@code cacheTtl}.
 */
public final class CassandraRoomDirectory implements RoomDirectory {
    private static final long KIND_TTL_MS = Duration.ofMinutes(30).toMillis();
    private static final int MAX_ROOMS = 10_000;
    private static final int MAX_USERS = 100_000;

    private final Cluster cluster;
    private final Session session;
    private final PreparedStatement selectKind;
    private final PreparedStatement countMembers;
    private final PreparedStatement selectCursor;
    private final PreparedStatement selectCursors;
    private final PreparedStatement selectReadReceipts;
    private final ExpiringCache<String, RoomKind> kinds;
    private final ExpiringCache<String, Long> memberCounts;
    private final ExpiringCache<String, Boolean> sharesReads;

    private CassandraRoomDirectory(Cluster cluster, long cacheTtlMs) {
        this.cluster = cluster;
        this.session = cluster.connect();
        this.selectKind =
                session.prepare("SELECT kind FROM " + KEYSPACE + ".rooms WHERE room_id = ?");
        this.countMembers =
                session.prepare(
                        "SELECT count(*) FROM " + KEYSPACE + ".room_members WHERE room_id = ?");
        this.selectCursor =
                session.prepare(
                        "SELECT delivered_seq, read_seq FROM "
                                + KEYSPACE
                                + ".room_cursors WHERE room_id = ? AND user_id = ?");
        this.selectCursors =
                session.prepare(
                        "SELECT user_id, delivered_seq, read_seq FROM "
                                + KEYSPACE
                                + ".room_cursors WHERE room_id = ?");
        this.selectReadReceipts =
                session.prepare(
                        "SELECT read_receipts FROM "
                                + KEYSPACE
                                + ".user_settings WHERE user_id = ?");
        this.kinds =
                new ExpiringCache<>(
                        kind -> kind == null ? cacheTtlMs : KIND_TTL_MS,
                        MAX_ROOMS,
                        System::currentTimeMillis);
        this.memberCounts = new ExpiringCache<>(cacheTtlMs, MAX_ROOMS, System::currentTimeMillis);
        this.sharesReads = new ExpiringCache<>(cacheTtlMs, MAX_USERS, System::currentTimeMillis);
    }

    /** A serializable factory for tasks. */
    public static RoomDirectory.Factory factory(String host, int port, Duration cacheTtl) {
        long ttl = cacheTtl.toMillis();
        return () ->
                new CassandraRoomDirectory(
                        new CassandraClusterBuilder(host, port).getCluster(), ttl);
    }

    @Override
    public RoomKind kind(String roomId) {
        // null = no such row (yet): treated as a group, and asked again after the short TTL.
        RoomKind kind = kinds.get(roomId, this::loadKind);
        return kind == null ? RoomKind.GROUP : kind;
    }

    private RoomKind loadKind(String roomId) {
        Row row = session.execute(selectKind.bind(roomId)).one();
        return row == null ? null : RoomKind.of(row.getString("kind"));
    }

    @Override
    public long memberCount(String roomId) {
        return memberCounts.get(
                roomId, id -> session.execute(countMembers.bind(id)).one().getLong(0));
    }

    @Override
    public Cursor cursor(String roomId, String userId) {
        Row row = session.execute(selectCursor.bind(roomId, userId)).one();
        return row == null ? Cursor.ZERO : cursorOf(row);
    }

    @Override
    public Map<String, Cursor> cursors(String roomId) {
        Map<String, Cursor> cursors = new HashMap<>();
        for (Row row : session.execute(selectCursors.bind(roomId))) {
            cursors.put(row.getString("user_id"), cursorOf(row));
        }
        return cursors;
    }

    @Override
    public boolean sharesReads(String userId) {
        return sharesReads.get(
                userId,
                id -> {
                    Row row = session.execute(selectReadReceipts.bind(id)).one();
                    return row == null
                            || row.isNull("read_receipts")
                            || row.getBool("read_receipts");
                });
    }

    private static Cursor cursorOf(Row row) {
        // getLong reads a null column as 0: no mark yet.
        return Cursor.ZERO.merge(new Cursor(row.getLong("delivered_seq"), row.getLong("read_seq")));
    }

    @Override
    public void close() {
        session.close();
        cluster.close();
    }
}

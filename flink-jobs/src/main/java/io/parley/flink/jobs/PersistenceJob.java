package io.parley.flink.jobs;

import io.parley.flink.ParleyConfig;
import io.parley.flink.functions.ProjectionFunction;
import io.parley.flink.functions.ProjectionWrites;
import io.parley.flink.functions.RoomCacheCommands;
import io.parley.flink.pulsar.JsonEventDeserializer;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.records.MemberRemoval;
import io.parley.flink.records.MemberRow;
import io.parley.flink.records.MessageDeletion;
import io.parley.flink.records.MessageEdit;
import io.parley.flink.records.MessageRow;
import io.parley.flink.records.ReactionChange;
import io.parley.flink.records.RoleChange;
import io.parley.flink.records.RoomRename;
import io.parley.flink.records.RoomRow;
import io.parley.flink.sinks.CassandraUpsertSink;
import io.parley.flink.sinks.RedisSink;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.topics.Topics;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.pulsar.source.reader.deserializer.PulsarDeserializationSchema;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;

/**
 * Persistence: {@code events/messages -> messages_by_room, rooms, room_members, user_rooms} and the
 * live path's Redis keys, the projections of the room logs. Cassandra ({@link ProjectionWrites}):
 * every entry's own row at {@code ((room_id, bucketOf(seq)), seq)}, edits/deletions/reactions
 * folded into their target's row, and the rooms and memberships the room events describe; {@link
 * ProjectionFunction} routes each write type to the sink of its CQL statement. Redis ({@link
 * RoomCacheCommands}): {@code lastseq:<room>}, {@code spoke:<user>}, {@code members:<room>}, {@code
 * memberseq:<room>}, {@code urooms:<user>}, {@code roominfo:<room>}, with the scripts the FanOut
 * function runs live.
 *
 * <p>Every Cassandra write is {@code USING TIMESTAMP} its entry's seq, and every Redis command is
 * guarded by the seq (or a set insert), so the sinks may run in any order and in parallel: a later
 * entry wins over an earlier one, and a replay (or a redelivery) rewrites identical cells. A
 * rebuild is {@code TRUNCATE} (and {@code DEL} of the keys) then a replay from earliest; a {@code
 * DELETE} of rows would leave tombstones at wall-clock time that shadow every seq-stamped rewrite.
 */
public final class PersistenceJob {
    public static final String NAME = "Parley: persistence";

    /** One sink per write type and table, and the Redis keys of every entry. */
    public record Sinks(
            SinkFunction<MessageRow> messages,
            SinkFunction<MessageEdit> edits,
            SinkFunction<MessageDeletion> deletions,
            SinkFunction<ReactionChange> reactions,
            SinkFunction<RoomRow> rooms,
            SinkFunction<RoomRename> renames,
            SinkFunction<MemberRow> members,
            SinkFunction<MemberRow> userRooms,
            SinkFunction<MemberRemoval> memberRemovals,
            SinkFunction<MemberRemoval> userRoomRemovals,
            SinkFunction<RoleChange> roleChanges,
            Sink<MessageRow> roomCaches) {

        /** Cassandra at {@code host:port}, Redis at {@code redisUrl}. */
        public static Sinks of(String host, int port, String redisUrl) {
            return new Sinks(
                    CassandraUpsertSink.messages(host, port),
                    CassandraUpsertSink.edits(host, port),
                    CassandraUpsertSink.deletions(host, port),
                    CassandraUpsertSink.reactions(host, port),
                    CassandraUpsertSink.rooms(host, port),
                    CassandraUpsertSink.renames(host, port),
                    CassandraUpsertSink.members(host, port),
                    CassandraUpsertSink.userRooms(host, port),
                    CassandraUpsertSink.memberRemovals(host, port),
                    CassandraUpsertSink.userRoomRemovals(host, port),
                    CassandraUpsertSink.roleChanges(host, port),
                    new RedisSink<>(redisUrl, RoomCacheCommands::of));
        }
    }

    private final Source<MessageRow, ?, ?> source;
    private final Sinks sinks;

    public PersistenceJob(Source<MessageRow, ?, ?> source, Sinks sinks) {
        this.source = source;
        this.sinks = sinks;
    }

    /** The log's entries (messages and events) as rows for the stores. */
    public static PulsarDeserializationSchema<MessageRow> messageRows() {
        return new JsonEventDeserializer<>(
                Topics.MESSAGES, PersistenceJob::rowOf, TypeInformation.of(MessageRow.class));
    }

    /** The row of an entry, or null for one without the key every store needs. */
    static MessageRow rowOf(SequencedMessage message) {
        boolean keyed =
                message.roomId() != null && !message.roomId().isEmpty() && message.seq() > 0;
        return keyed ? MessageRow.of(message) : null;
    }

    /** The job with its production connectors. */
    public static PersistenceJob production(ParleyConfig config, String subscription) {
        return new PersistenceJob(
                PulsarConnectors.source(
                        config, Topics.MESSAGES.name(), subscription, messageRows()),
                Sinks.of(config.cassandraHost(), config.cassandraPort(), config.redisUrl()));
    }

    public void build(StreamExecutionEnvironment env) {
        // no keyBy: the writes need no order (write timestamps), so the entries spread evenly
        SingleOutputStreamOperator<MessageRow> rows =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "sequenced messages")
                        .uid("messages-source")
                        .setParallelism(PulsarConnectors.SOURCE_PARALLELISM)
                        .process(new ProjectionFunction())
                        .name("projection writes")
                        .uid("projection-writes");

        rows.addSink(sinks.messages()).name("Cassandra messages_by_room").uid("cassandra-messages");
        rows.sinkTo(sinks.roomCaches()).name("Redis room caches").uid("redis-room-caches");
        rows.getSideOutput(ProjectionFunction.EDITS)
                .addSink(sinks.edits())
                .name("Cassandra messages_by_room edits")
                .uid("cassandra-message-edits");
        rows.getSideOutput(ProjectionFunction.DELETIONS)
                .addSink(sinks.deletions())
                .name("Cassandra messages_by_room deletions")
                .uid("cassandra-message-deletions");
        rows.getSideOutput(ProjectionFunction.REACTIONS)
                .addSink(sinks.reactions())
                .name("Cassandra messages_by_room reactions")
                .uid("cassandra-message-reactions");
        rows.getSideOutput(ProjectionFunction.ROOMS)
                .addSink(sinks.rooms())
                .name("Cassandra rooms")
                .uid("cassandra-rooms");
        rows.getSideOutput(ProjectionFunction.RENAMES)
                .addSink(sinks.renames())
                .name("Cassandra rooms renames")
                .uid("cassandra-room-renames");
        rows.getSideOutput(ProjectionFunction.MEMBERS)
                .addSink(sinks.members())
                .name("Cassandra room_members")
                .uid("cassandra-room-members");
        rows.getSideOutput(ProjectionFunction.MEMBERS)
                .addSink(sinks.userRooms())
                .name("Cassandra user_rooms")
                .uid("cassandra-user-rooms");
        rows.getSideOutput(ProjectionFunction.REMOVALS)
                .addSink(sinks.memberRemovals())
                .name("Cassandra room_members removals")
                .uid("cassandra-room-member-removals");
        rows.getSideOutput(ProjectionFunction.REMOVALS)
                .addSink(sinks.userRoomRemovals())
                .name("Cassandra user_rooms removals")
                .uid("cassandra-user-room-removals");
        rows.getSideOutput(ProjectionFunction.ROLES)
                .addSink(sinks.roleChanges())
                .name("Cassandra room_members roles")
                .uid("cassandra-room-member-roles");
    }

    public static void main(String[] args) throws Exception {
        ParleyConfig config = ParleyConfig.fromEnv();
        StreamExecutionEnvironment env = JobEnvironment.create(config);
        production(config, ParleyJob.PERSISTENCE.subscription()).build(env);
        env.execute(NAME);
    }
}

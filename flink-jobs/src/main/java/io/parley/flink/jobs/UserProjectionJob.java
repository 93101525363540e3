package io.parley.flink.jobs;

import io.parley.flink.ParleyConfig;
import io.parley.flink.functions.KeyCacheCommands;
import io.parley.flink.functions.PrivacyCacheCommands;
import io.parley.flink.functions.SignOutCacheCommands;
import io.parley.flink.functions.UserProjectionFunction;
import io.parley.flink.pulsar.JsonEventDeserializer;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.records.DeviceRemoval;
import io.parley.flink.records.DeviceRow;
import io.parley.flink.records.DeviceState;
import io.parley.flink.records.KeyWrite;
import io.parley.flink.records.MediaRow;
import io.parley.flink.records.SettingsRow;
import io.parley.flink.records.UserLogEntry;
import io.parley.flink.sinks.CassandraUpsertSink;
import io.parley.flink.sinks.RedisSink;
import io.parley.flink.users.CassandraDeviceDirectory;
import io.parley.flink.users.DeviceDirectory;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.topics.Topics;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.pulsar.source.reader.deserializer.PulsarDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;

/**
 * User projections: {@code events/users -> user_settings, devices, user_devices, media} (Cassandra)
 * and {@code privacy:<user>}, {@code signedout:<user>} (Redis), the projections of the users' logs
 * ({@link UserProjectionFunction}, keyed by user straight after the source so each user's entries
 * are decided in log order).
 *
 * <p>Idempotent: an upsert or delete by primary key, at a write timestamp that grows with the log
 * for each user; the privacy hash with {@code VERSIONED_HSET_SCRIPT} at the entry's log position
 * ({@link PrivacyCacheCommands}). A rebuild is {@code TRUNCATE} of the four tables and {@code DEL}
 * of the {@code privacy:*} and {@code signedout:*} keys, then a replay from earliest.
 */
public final class UserProjectionJob {
    public static final String NAME = "Parley: user projections";

    /** One sink per table and statement, and the privacy cache. */
    public record Sinks(
            SinkFunction<SettingsRow> settings,
            Sink<SettingsRow> privacyCache,
            SinkFunction<DeviceRow> devices,
            SinkFunction<DeviceRemoval> deviceRemovals,
            SinkFunction<DeviceState> deviceStates,
            Sink<DeviceState> signOutCache,
            Sink<KeyWrite> keyDirectory,
            SinkFunction<MediaRow> media) {

        /** Cassandra at {@code host:port}, Redis at {@code redisUrl}. */
        public static Sinks of(String host, int port, String redisUrl) {
            return new Sinks(
                    CassandraUpsertSink.settings(host, port),
                    new RedisSink<>(redisUrl, PrivacyCacheCommands::of),
                    CassandraUpsertSink.devices(host, port),
                    CassandraUpsertSink.deviceRemovals(host, port),
                    CassandraUpsertSink.deviceStates(host, port),
                    new RedisSink<>(redisUrl, SignOutCacheCommands::of),
                    new RedisSink<>(redisUrl, KeyCacheCommands::of),
                    CassandraUpsertSink.media(host, port));
        }
    }

    private final Source<UserLogEntry, ?, ?> source;
    private final DeviceDirectory.Factory devices;
    private final Sinks sinks;

    public UserProjectionJob(
            Source<UserLogEntry, ?, ?> source, DeviceDirectory.Factory devices, Sinks sinks) {
        this.source = source;
        this.devices = devices;
        this.sinks = sinks;
    }

    /** The users' log entries with their log positions. */
    public static PulsarDeserializationSchema<UserLogEntry> userLogEntries() {
        return JsonEventDeserializer.withPosition(
                Topics.USERS, UserProjectionJob::entryOf, TypeInformation.of(UserLogEntry.class));
    }

    /** The entry of an event, or null for one without the user id and kind every write needs. */
    static UserLogEntry entryOf(UserEvent event, String position) {
        boolean valid = event.userId() != null && !event.userId().isEmpty() && event.kind() != null;
        return valid ? new UserLogEntry(position, event) : null;
    }

    /** The job with its production connectors. */
    public static UserProjectionJob production(ParleyConfig config, String subscription) {
        return new UserProjectionJob(
                PulsarConnectors.source(
                        config, Topics.USERS.name(), subscription, userLogEntries()),
                CassandraDeviceDirectory.factory(config.cassandraHost(), config.cassandraPort()),
                Sinks.of(config.cassandraHost(), config.cassandraPort(), config.redisUrl()));
    }

    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<SettingsRow> settings =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "user events")
                        .uid("users-source")
                        .setParallelism(PulsarConnectors.SOURCE_PARALLELISM)
                        // straight after the source: each user's entries in log order (Javadoc)
                        .keyBy(UserLogEntry::userId)
                        .process(new UserProjectionFunction(devices))
                        .name("user projection writes")
                        .uid("user-projection-writes");

        settings.addSink(sinks.settings())
                .name("Cassandra user_settings")
                .uid("cassandra-user-settings");
        settings.sinkTo(sinks.privacyCache()).name("Redis privacy").uid("redis-privacy");
        settings.getSideOutput(UserProjectionFunction.DEVICES)
                .addSink(sinks.devices())
                .name("Cassandra devices")
                .uid("cassandra-devices");
        settings.getSideOutput(UserProjectionFunction.DEVICE_REMOVALS)
                .addSink(sinks.deviceRemovals())
                .name("Cassandra devices removals")
                .uid("cassandra-device-removals");
        DataStream<DeviceState> deviceStates =
                settings.getSideOutput(UserProjectionFunction.DEVICE_STATES);
        deviceStates
                .addSink(sinks.deviceStates())
                .name("Cassandra user_devices")
                .uid("cassandra-user-devices");
        deviceStates.sinkTo(sinks.signOutCache()).name("Redis signedout").uid("redis-signedout");
        settings.getSideOutput(UserProjectionFunction.KEY_WRITES)
                .sinkTo(sinks.keyDirectory())
                .name("Redis key directory")
                .uid("redis-key-directory");
        settings.getSideOutput(UserProjectionFunction.MEDIA)
                .addSink(sinks.media())
                .name("Cassandra media")
                .uid("cassandra-media");
    }

    public static void main(String[] args) throws Exception {
        ParleyConfig config = ParleyConfig.fromEnv();
        StreamExecutionEnvironment env = JobEnvironment.create(config);
        production(config, ParleyJob.USERS.subscription()).build(env);
        env.execute(NAME);
    }
}

package io.parley.flink.jobs;

import io.parley.flink.ParleyConfig;
import io.parley.flink.pulsar.JsonEventDeserializer;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.records.MessageRow;
import io.parley.flink.sinks.CassandraUpsertSink;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.topics.Topics;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.pulsar.source.reader.deserializer.PulsarDeserializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;

/**
 * Persistence: {@code events/messages -> messages_by_room}, one row per message at {@code
 * ((room_id, bucketOf(seq)), seq)}. The insert is an upsert by that key, so replays and
 * redeliveries rewrite identical rows.
 */
public final class PersistenceJob {
    public static final String NAME = "Parley: persistence";

    private final Source<MessageRow, ?, ?> source;
    private final SinkFunction<MessageRow> sink;

    public PersistenceJob(Source<MessageRow, ?, ?> source, SinkFunction<MessageRow> sink) {
        this.source = source;
        this.sink = sink;
    }

    /** The log's messages as rows for the stores. */
    public static PulsarDeserializationSchema<MessageRow> messageRows() {
        return new JsonEventDeserializer<>(
                Topics.MESSAGES, PersistenceJob::rowOf, TypeInformation.of(MessageRow.class));
    }

    /** The row of a message, or null for one without the key every store needs. */
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
                CassandraUpsertSink.messages(config.cassandraHost(), config.cassandraPort()));
    }

    public void build(StreamExecutionEnvironment env) {
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "sequenced messages")
                .uid("messages-source")
                .setParallelism(PulsarConnectors.SOURCE_PARALLELISM)
                .addSink(sink)
                .name("Cassandra messages_by_room")
                .uid("cassandra-messages");
    }

    public static void main(String[] args) throws Exception {
        ParleyConfig config = ParleyConfig.fromEnv();
        StreamExecutionEnvironment env = JobEnvironment.create(config);
        production(config, ParleyJob.PERSISTENCE.subscription()).build(env);
        env.execute(NAME);
    }
}

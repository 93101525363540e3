package io.parley.flink.jobs;

import io.parley.flink.ParleyConfig;
import io.parley.flink.functions.CursorFunction;
import io.parley.flink.functions.RoomReceiptFunction;
import io.parley.flink.pulsar.JsonEventDeserializer;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.records.CursorChange;
import io.parley.flink.rooms.CassandraRoomDirectory;
import io.parley.flink.rooms.RoomDirectory;
import io.parley.flink.sinks.CassandraUpsertSink;
import io.parley.schemas.events.ReceiptEvent;
import io.parley.schemas.events.ReceiptUpdate;
import io.parley.schemas.topics.Topics;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;

/**
 * Receipts: {@code events/receipts} (ack/read) -> per (room, user) high-water marks ({@link
 * CursorFunction}) upserted to {@code room_cursors} -> per room ({@link RoomReceiptFunction}):
 * immediate per-peer ticks in direct rooms, debounced aggregated counts in groups -> {@code
 * events/receipt-updates}, keyed by room. Every move of a reader's read mark also goes there at
 * once as a {@code readState} update (the reader's cursor, for their other devices).
 */
public final class ReceiptsJob {
    public static final String NAME = "Parley: receipts";

    private final Source<ReceiptEvent, ?, ?> source;
    private final RoomDirectory.Factory rooms;
    private final SinkFunction<CursorChange> cursorSink;
    private final Sink<ReceiptUpdate> updateSink;
    private final Duration debounce;
    private final Duration stateIdleTtl;

    public ReceiptsJob(
            Source<ReceiptEvent, ?, ?> source,
            RoomDirectory.Factory rooms,
            SinkFunction<CursorChange> cursorSink,
            Sink<ReceiptUpdate> updateSink,
            Duration debounce,
            Duration stateIdleTtl) {
        this.source = source;
        this.rooms = rooms;
        this.cursorSink = cursorSink;
        this.updateSink = updateSink;
        this.debounce = debounce;
        this.stateIdleTtl = stateIdleTtl;
    }

    /** Receipts with the room, user, status and a positive seq that every step needs. */
    public static JsonEventDeserializer<ReceiptEvent, ReceiptEvent> receiptEvents() {
        return new JsonEventDeserializer<>(
                Topics.RECEIPTS, ReceiptsJob::validOrNull, TypeInformation.of(ReceiptEvent.class));
    }

    static ReceiptEvent validOrNull(ReceiptEvent r) {
        boolean valid =
                r.roomId() != null && r.userId() != null && r.status() != null && r.seq() > 0;
        return valid ? r : null;
    }

    public static ReceiptsJob production(
            ParleyConfig config, String inputTopic, String subscription, String outputTopic) {
        return new ReceiptsJob(
                PulsarConnectors.source(config, inputTopic, subscription, receiptEvents()),
                CassandraRoomDirectory.factory(
                        config.cassandraHost(), config.cassandraPort(), config.roomCacheTtl()),
                CassandraUpsertSink.cursors(config.cassandraHost(), config.cassandraPort()),
                PulsarConnectors.keyedSink(
                        config, Topics.RECEIPT_UPDATES, outputTopic, ReceiptUpdate::roomId),
                config.receiptsDebounce(),
                config.stateIdleTtl());
    }

    public void build(StreamExecutionEnvironment env) {
        DataStream<CursorChange> changes =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "receipt events")
                        .uid("receipts-source")
                        .setParallelism(PulsarConnectors.SOURCE_PARALLELISM)
                        .keyBy(CursorFunction::keyOf)
                        .process(new CursorFunction(rooms, stateIdleTtl))
                        .name("cursor high-water marks")
                        .uid("cursors");

        changes.addSink(cursorSink).name("Cassandra room_cursors").uid("cassandra-cursors");

        // a reader's own cursor, for their other devices (read_state): at once, not debounced
        DataStream<ReceiptUpdate> readStates =
                changes.filter(CursorChange::readMoved)
                        .name("read cursors moved")
                        .uid("read-cursors-moved")
                        .map(c -> ReceiptUpdate.readStateOf(c.roomId(), c.userId(), c.readSeq()))
                        .returns(TypeInformation.of(ReceiptUpdate.class))
                        .name("read states")
                        .uid("read-states");

        changes.keyBy(CursorChange::roomId)
                .process(new RoomReceiptFunction(rooms, debounce, stateIdleTtl))
                .name("room receipt updates")
                .uid("room-receipts")
                .union(readStates)
                .sinkTo(updateSink)
                .name("receipt updates")
                .uid("receipt-updates-sink");
    }

    public static void main(String[] args) throws Exception {
        ParleyConfig config = ParleyConfig.fromEnv();
        StreamExecutionEnvironment env = JobEnvironment.create(config);
        production(
                        config,
                        Topics.RECEIPTS.name(),
                        ParleyJob.RECEIPTS.subscription(),
                        Topics.RECEIPT_UPDATES.name())
                .build(env);
        env.execute(NAME);
    }
}

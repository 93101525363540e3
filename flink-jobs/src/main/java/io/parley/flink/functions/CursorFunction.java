package io.parley.flink.functions;

import io.parley.flink.records.Cursor;
import io.parley.flink.records.CursorChange;
import io.parley.flink.rooms.RoomDirectory;
import io.parley.schemas.events.ReceiptEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per (room, user): the delivered/read high-water marks, {@code cursor' = cursor.advance(status,
 * seq)}, so they never move backwards and read implies delivered. Emits a {@link CursorChange} only
 * when a mark moved; duplicates and stale receipts emit nothing.
 *
 * <p>State: one {@link Cursor} per key, dropped after {@code idleTtl} without receipts. When there
 * is no state (first receipt, after that TTL, or a replay without state) it is seeded from the
 * stored cursor, so the marks in Cassandra never move backwards either.
 */
public class CursorFunction extends KeyedProcessFunction<String, ReceiptEvent, CursorChange> {
    private static final long serialVersionUID = 1L;

    private final RoomDirectory.Factory directoryFactory;
    private final Duration idleTtl;

    private transient ValueState<Cursor> cursor;
    private transient RoomDirectory directory;

    public CursorFunction(RoomDirectory.Factory directoryFactory, Duration idleTtl) {
        this.directoryFactory = directoryFactory;
        this.idleTtl = idleTtl;
    }

    /** The key of a receipt: room and user, separated by a character neither id may contain. */
    public static String keyOf(ReceiptEvent event) {
        return event.roomId() + '\u0000' + event.userId();
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Cursor> descriptor =
                new ValueStateDescriptor<>("cursor", Cursor.class);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(idleTtl).build());
        cursor = getRuntimeContext().getState(descriptor);
        directory = directoryFactory.open();
    }

    @Override
    public void processElement(ReceiptEvent event, Context ctx, Collector<CursorChange> out)
            throws Exception {
        if (event.status() == null || event.seq() <= 0) {
            return;
        }
        Cursor before = cursor.value();
        if (before == null) {
            before = directory.cursor(event.roomId(), event.userId());
        }
        Cursor after = before.advance(event.status(), event.seq());
        cursor.update(after);
        if (!after.equals(before)) {
            out.collect(
                    new CursorChange(
                            event.roomId(),
                            event.userId(),
                            after.deliveredSeq(),
                            after.readSeq(),
                            after.deliveredSeq() != before.deliveredSeq(),
                            after.readSeq() != before.readSeq(),
                            event.ts()));
        }
    }

    @Override
    public void close() {
        if (directory != null) {
            directory.close();
        }
    }
}

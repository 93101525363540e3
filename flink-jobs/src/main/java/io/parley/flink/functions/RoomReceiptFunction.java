package io.parley.flink.functions;

import io.parley.flink.records.Cursor;
import io.parley.flink.records.CursorChange;
import io.parley.flink.records.RoomKind;
import io.parley.flink.rooms.RoomDirectory;
import io.parley.schemas.events.ReceiptStatus;
import io.parley.schemas.events.ReceiptUpdate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per room: turns cursor changes into ticks for senders ({@link ReceiptUpdate}).
 *
 * <ul>
 *   <li>Direct room: one update per moved mark, at once, {@code userId} = the member whose cursor
 *       moved.
 *   <li>Group: debounced. The first change arms a processing-time timer {@code debounce} ahead;
 *       when it fires, one update per status that moved meanwhile: {@code seq = max over members of
 *       their mark}, {@code delivered_count}/{@code read_count} = members whose mark is {@code >=
 *       seq}, {@code member_count} from the directory. So a room emits at most one update per
 *       status per interval, however many members ack.
 * </ul>
 *
 * <p>Read receipts follow the reader's privacy setting: a member who turned them off moves no read
 * tick in a direct room and is not counted (nor does their mark raise the seq) in a group's read
 * update. Their read mark is still kept: it is their own unread count.
 *
 * <p>State: the members' cursors of a group (seeded from the store on first touch, dropped after
 * {@code idleTtl}); the pending statuses and the armed timer, both cleared when the timer fires.
 */
public class RoomReceiptFunction extends KeyedProcessFunction<String, CursorChange, ReceiptUpdate> {
    private static final long serialVersionUID = 1L;

    private static final int PENDING_DELIVERED = 1;
    private static final int PENDING_READ = 2;

    private final RoomDirectory.Factory directoryFactory;
    private final Duration debounce;
    private final Duration idleTtl;

    private transient MapState<String, Cursor> members;
    private transient ValueState<Integer> pending;
    private transient ValueState<Long> timer;
    private transient RoomDirectory directory;

    public RoomReceiptFunction(
            RoomDirectory.Factory directoryFactory, Duration debounce, Duration idleTtl) {
        this.directoryFactory = directoryFactory;
        this.debounce = debounce;
        this.idleTtl = idleTtl;
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, Cursor> membersDescriptor =
                new MapStateDescriptor<>("members", Types.STRING, Types.POJO(Cursor.class));
        membersDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(idleTtl).build());
        members = getRuntimeContext().getMapState(membersDescriptor);
        pending = getRuntimeContext().getState(new ValueStateDescriptor<>("pending", Types.INT));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Types.LONG));
        directory = directoryFactory.open();
    }

    @Override
    public void processElement(CursorChange change, Context ctx, Collector<ReceiptUpdate> out)
            throws Exception {
        String roomId = change.roomId();
        if (directory.kind(roomId) == RoomKind.DIRECT) {
            emitDirect(change, out);
            return;
        }
        if (members.isEmpty()) {
            for (Map.Entry<String, Cursor> stored : directory.cursors(roomId).entrySet()) {
                members.put(stored.getKey(), stored.getValue());
            }
        }
        Cursor known = members.get(change.userId());
        members.put(
                change.userId(), known == null ? change.cursor() : known.merge(change.cursor()));

        int bits = pending.value() == null ? 0 : pending.value();
        bits |= change.deliveredMoved() ? PENDING_DELIVERED : 0;
        // a private reader's read moves their own mark only: no read update to arm
        bits |= change.readMoved() && directory.sharesReads(change.userId()) ? PENDING_READ : 0;
        if (bits == 0) {
            return;
        }
        pending.update(bits);
        if (timer.value() == null) {
            long fireAt = ctx.timerService().currentProcessingTime() + debounce.toMillis();
            ctx.timerService().registerProcessingTimeTimer(fireAt);
            timer.update(fireAt);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ReceiptUpdate> out)
            throws Exception {
        String roomId = ctx.getCurrentKey();
        int bits = pending.value() == null ? 0 : pending.value();
        pending.clear();
        timer.clear();
        long memberCount = directory.memberCount(roomId);
        if ((bits & PENDING_DELIVERED) != 0) {
            out.collect(aggregate(roomId, ReceiptStatus.DELIVERED, memberCount));
        }
        if ((bits & PENDING_READ) != 0) {
            out.collect(aggregate(roomId, ReceiptStatus.READ, memberCount));
        }
    }

    private ReceiptUpdate aggregate(String roomId, ReceiptStatus status, long memberCount)
            throws Exception {
        Map<String, Long> shownRead = new HashMap<>();
        long seq = 0;
        for (Map.Entry<String, Cursor> m : members.entries()) {
            long read = directory.sharesReads(m.getKey()) ? m.getValue().readSeq() : 0;
            shownRead.put(m.getKey(), read);
            seq = Math.max(seq, status == ReceiptStatus.READ ? read : m.getValue().deliveredSeq());
        }
        long delivered = 0;
        long read = 0;
        for (Map.Entry<String, Cursor> m : members.entries()) {
            delivered += m.getValue().deliveredSeq() >= seq ? 1 : 0;
            read += shownRead.get(m.getKey()) >= seq ? 1 : 0;
        }
        return new ReceiptUpdate(roomId, seq, status, null, delivered, read, memberCount);
    }

    private void emitDirect(CursorChange change, Collector<ReceiptUpdate> out) {
        long memberCount = directory.memberCount(change.roomId());
        boolean sharesReads = directory.sharesReads(change.userId());
        for (ReceiptStatus status : ReceiptStatus.values()) {
            if (change.moved(status) && (status != ReceiptStatus.READ || sharesReads)) {
                long seq = change.cursor().seq(status);
                out.collect(
                        new ReceiptUpdate(
                                change.roomId(),
                                seq,
                                status,
                                change.userId(),
                                change.deliveredSeq() >= seq ? 1 : 0,
                                sharesReads && change.readSeq() >= seq ? 1 : 0,
                                memberCount));
            }
        }
    }

    @Override
    public void close() {
        if (directory != null) {
            directory.close();
        }
    }
}

package io.parley.flink.functions;

import io.parley.flink.records.DeliverySummary;
import io.parley.flink.records.DeliveryWindow;
import io.parley.flink.records.DeliveryWindowSerializer;
import io.parley.schemas.events.DeliveryStat;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tumbling event-time windows over delivery stats (event time = {@code deliveredTs}), kept as one
 * {@link DeliveryWindow} per window end: {@code windowEnd = ts - ts % size + size}. An event-time
 * timer at {@code windowEnd - 1} emits the window's {@link DeliverySummary} and removes its state.
 * Stats for a window the watermark has passed are late: counted in the {@code lateStats} metric and
 * dropped.
 */
public class DeliveryWindowFunction
        extends KeyedProcessFunction<String, DeliveryStat, DeliverySummary> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWindowFunction.class);

    /** Everything is aggregated under one key: the metrics are per deployment, not per room. */
    public static final String ALL = "all";

    private final long sizeMs;

    private transient MapState<Long, DeliveryWindow> windows;
    private transient Counter late;

    public DeliveryWindowFunction(Duration size) {
        this.sizeMs = size.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        windows =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "windows",
                                        LongSerializer.INSTANCE,
                                        DeliveryWindowSerializer.INSTANCE));
        late = getRuntimeContext().getMetricGroup().counter("lateStats");
    }

    @Override
    public void processElement(DeliveryStat stat, Context ctx, Collector<DeliverySummary> out)
            throws Exception {
        long ts = ctx.timestamp() == null ? stat.deliveredTs() : ctx.timestamp();
        long windowEnd = ts - Math.floorMod(ts, sizeMs) + sizeMs;
        if (windowEnd - 1 <= ctx.timerService().currentWatermark()) {
            LOG.debug(
                    "late delivery stat at {}, watermark {}",
                    ts,
                    ctx.timerService().currentWatermark());
            late.inc();
            return;
        }
        DeliveryWindow window = windows.get(windowEnd);
        if (window == null) {
            window = new DeliveryWindow();
            ctx.timerService().registerEventTimeTimer(windowEnd - 1);
        }
        window.add(stat);
        // put again: on a serializing state backend the in-place update alone would be lost
        windows.put(windowEnd, window);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DeliverySummary> out)
            throws Exception {
        long windowEnd = timestamp + 1;
        DeliveryWindow window = windows.get(windowEnd);
        if (window != null) {
            LOG.debug("window ending {} closed: {} deliveries", windowEnd, window.count());
            out.collect(window.summary(windowEnd));
            windows.remove(windowEnd);
        }
    }
}

package io.parley.flink.push;

import io.parley.schemas.events.PushRequest;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Frequency capping keyed by {@code (user, room)}: at most one push per {@code capMs}; the others
 * of a burst are collapsed (the device shows the room's newest notification anyway). The state is
 * cleared by a timer when the cap window ends.
 */
public final class PushCapFunction extends KeyedProcessFunction<String, PushRequest, PushRequest> {
    private final long capMs;
    private transient ValueState<Long> windowEnd;

    public PushCapFunction(long capMs) {
        this.capMs = capMs;
    }

    public static String key(PushRequest p) {
        return p.userId() + "|" + p.roomId();
    }

    @Override
    public void open(Configuration parameters) {
        windowEnd =
                getRuntimeContext().getState(new ValueStateDescriptor<>("window-end", Long.class));
    }

    @Override
    public void processElement(PushRequest push, Context ctx, Collector<PushRequest> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        Long end = windowEnd.value();
        if (end != null && now < end) {
            return;
        }
        out.collect(push);
        windowEnd.update(now + capMs);
        ctx.timerService().registerProcessingTimeTimer(now + capMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PushRequest> out)
            throws Exception {
        Long end = windowEnd.value();
        if (end != null && timestamp >= end) {
            windowEnd.clear();
        }
    }
}

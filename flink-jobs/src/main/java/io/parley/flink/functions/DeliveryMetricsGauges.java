package io.parley.flink.functions;

import io.parley.flink.records.DeliverySummary;
import io.parley.flink.records.Percentiles;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Publishes the latest closed window as Flink gauges (group {@code parley}: {@code
 * send_to_append_p50} ... {@code queued}, {@code window_end}), so the dashboard shows them on this
 * operator; passes the summary on unchanged.
 */
public class DeliveryMetricsGauges extends RichMapFunction<DeliverySummary, DeliverySummary> {
    private static final long serialVersionUID = 1L;

    private transient volatile DeliverySummary latest;

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("parley");
        gauge(group, "window_end", DeliverySummary::windowEnd);
        percentiles(group, "send_to_append", DeliverySummary::sendToAppend);
        percentiles(group, "append_to_deliver", DeliverySummary::appendToDeliver);
        percentiles(group, "fanout", DeliverySummary::fanout);
        gauge(group, "dropped", DeliverySummary::dropped);
        gauge(group, "queued", DeliverySummary::queued);
    }

    @Override
    public DeliverySummary map(DeliverySummary summary) {
        latest = summary;
        return summary;
    }

    /** The last window seen, or null before the first. */
    public DeliverySummary latest() {
        return latest;
    }

    private void percentiles(
            MetricGroup group,
            String name,
            java.util.function.Function<DeliverySummary, Percentiles> measure) {
        gauge(group, name + "_count", s -> measure.apply(s).count());
        gauge(group, name + "_p50", s -> measure.apply(s).p50());
        gauge(group, name + "_p95", s -> measure.apply(s).p95());
        gauge(group, name + "_p99", s -> measure.apply(s).p99());
        gauge(group, name + "_max", s -> measure.apply(s).max());
    }

    private void gauge(MetricGroup group, String name, ToLongFunction<DeliverySummary> value) {
        group.gauge(
                name,
                (Gauge<Long>)
                        () -> {
                            DeliverySummary s = latest;
                            return s == null ? 0L : value.applyAsLong(s);
                        });
    }
}

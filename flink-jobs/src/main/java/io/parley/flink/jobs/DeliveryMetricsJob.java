package io.parley.flink.jobs;

import io.parley.flink.ParleyConfig;
import io.parley.flink.functions.DeliveryMetricsGauges;
import io.parley.flink.functions.DeliveryWindowFunction;
import io.parley.flink.functions.IdleAdvancingWatermarks;
import io.parley.flink.pulsar.JsonEventDeserializer;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.records.MetricRow;
import io.parley.flink.sinks.CassandraUpsertSink;
import io.parley.schemas.events.DeliveryStat;
import io.parley.schemas.topics.Topics;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;

/**
 * Delivery metrics: {@code events/delivery-stats} -> tumbling windows of delivery time ({@link
 * DeliveryWindowFunction}: count and p50/p95/p99/max of send->append and append->deliver, fan-out
 * p50/p99/max, dropped and queued sums) -> Flink gauges on the "delivery metrics gauges" operator
 * -> {@code delivery_stats} rows (metric, window_end). Windows are event-time, so a replay
 * recomputes the same rows.
 */
public final class DeliveryMetricsJob {
    public static final String NAME = "Parley: delivery metrics";

    /** How far out of order deliveries from different gateways may arrive. */
    static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(2);

    private final Source<DeliveryStat, ?, ?> source;
    private final SinkFunction<MetricRow> sink;
    private final Duration window;
    private final Duration idle;

    public DeliveryMetricsJob(
            Source<DeliveryStat, ?, ?> source,
            SinkFunction<MetricRow> sink,
            Duration window,
            Duration idle) {
        this.source = source;
        this.sink = sink;
        this.window = window;
        this.idle = idle;
    }

    public static DeliveryMetricsJob production(
            ParleyConfig config, String inputTopic, String subscription) {
        return new DeliveryMetricsJob(
                PulsarConnectors.source(
                        config,
                        inputTopic,
                        subscription,
                        JsonEventDeserializer.of(Topics.DELIVERY_STATS)),
                CassandraUpsertSink.metrics(config.cassandraHost(), config.cassandraPort()),
                config.metricsWindow(),
                config.metricsIdle());
    }

    public void build(StreamExecutionEnvironment env) {
        Duration idleAfter = idle;
        WatermarkStrategy<DeliveryStat> watermarks =
                WatermarkStrategy.<DeliveryStat>forGenerator(
                                ctx ->
                                        new IdleAdvancingWatermarks<>(
                                                OUT_OF_ORDERNESS,
                                                idleAfter,
                                                System::currentTimeMillis))
                        .withTimestampAssigner((stat, previous) -> stat.deliveredTs());

        env.fromSource(source, WatermarkStrategy.noWatermarks(), "delivery stats")
                .uid("delivery-stats-source")
                .setParallelism(PulsarConnectors.SOURCE_PARALLELISM)
                // after the source, not in it: one generator per subtask, whatever the splits
                .assignTimestampsAndWatermarks(watermarks)
                .name("delivery time watermarks")
                .uid("watermarks")
                .setParallelism(PulsarConnectors.SOURCE_PARALLELISM)
                .keyBy(stat -> DeliveryWindowFunction.ALL)
                .process(new DeliveryWindowFunction(window))
                .name("delivery windows")
                .uid("delivery-windows")
                .map(new DeliveryMetricsGauges())
                .name("delivery metrics gauges")
                .uid("delivery-gauges")
                .flatMap(
                        (summary, out) -> MetricRow.of(summary).forEach(out::collect),
                        TypeInformation.of(MetricRow.class))
                .name("metric rows")
                .uid("metric-rows")
                .addSink(sink)
                .name("Cassandra delivery_stats")
                .uid("cassandra-delivery-stats");
    }

    public static void main(String[] args) throws Exception {
        ParleyConfig config = ParleyConfig.fromEnv();
        StreamExecutionEnvironment env = JobEnvironment.create(config);
        production(config, Topics.DELIVERY_STATS.name(), ParleyJob.METRICS.subscription())
                .build(env);
        env.execute(NAME);
    }
}

package io.parley.flink.pulsar;

import io.parley.flink.ParleyConfig;
import io.parley.schemas.topics.Topic;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.pulsar.sink.PulsarSink;
import org.apache.flink.connector.pulsar.source.PulsarSource;
import org.apache.flink.connector.pulsar.source.PulsarSourceOptions;
import org.apache.flink.connector.pulsar.source.enumerator.cursor.StartCursor;
import org.apache.flink.connector.pulsar.source.reader.deserializer.PulsarDeserializationSchema;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Builds Parley's Pulsar sources and sinks the way STACK.md says they work: {@code maxFetchTime}
 * ~100 ms (the default 10 s shows up as seconds of lag), durable subscription {@code parley-<job>},
 * acknowledged on checkpoints.
 */
public final class PulsarConnectors {
    /**
     * Every Parley source runs at parallelism 1, whatever the job's parallelism. Parley's topics
     * are non-partitioned: one split, so one reader does all the reading anyway. And
     * flink-connector-pulsar 4.1.0 assigns a non-partitioned topic's split to reader {@code
     * (startIndex - 1) % parallelism}, which is -1 for about half of all topic names at parallelism
     * > 1: that split is never read (FLINK-34629, fixed with floorMod after 4.1.0, in no release on
     * Central). At parallelism 1 the owner is always 0.
     */
    public static final int SOURCE_PARALLELISM = 1;

    private PulsarConnectors() {}

    /**
     * A job's production source: resumes where its subscription stands (see {@link
     * SubscriptionStartCursor}).
     */
    public static <R> PulsarSource<R> source(
            ParleyConfig config,
            String topic,
            String subscription,
            PulsarDeserializationSchema<R> deserializer) {
        return source(
                config,
                topic,
                subscription,
                deserializer,
                new SubscriptionStartCursor(config.pulsarAdminUrl(), subscription));
    }

    public static <R> PulsarSource<R> source(
            ParleyConfig config,
            String topic,
            String subscription,
            PulsarDeserializationSchema<R> deserializer,
            StartCursor startCursor) {
        return PulsarSource.builder()
                .setServiceUrl(config.pulsarServiceUrl())
                .setTopics(topic)
                .setSubscriptionName(subscription)
                .setStartCursor(startCursor)
                .setDeserializationSchema(deserializer)
                .setConfig(
                        PulsarSourceOptions.PULSAR_MAX_FETCH_TIME,
                        config.pulsarMaxFetchTime().toMillis())
                .build();
    }

    /** A sink writing the topic's JSON (schema STRING) with a message key, at least once. */
    public static <E> PulsarSink<E> keyedSink(
            ParleyConfig config,
            Topic<E> topic,
            String topicName,
            SerializableFunction<E, String> key) {
        return PulsarSink.builder()
                .setServiceUrl(config.pulsarServiceUrl())
                .setAdminUrl(config.pulsarAdminUrl())
                .setTopics(topicName)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setSerializationSchema(new KeyedJsonSerializer<>(topic, key))
                .build();
    }
}

package io.parley.flink.pulsar;

import io.parley.schemas.topics.Topic;
import org.apache.flink.connector.pulsar.sink.writer.context.PulsarSinkContext;
import org.apache.flink.connector.pulsar.sink.writer.message.PulsarMessage;
import org.apache.flink.connector.pulsar.sink.writer.serializer.PulsarSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.pulsar.client.api.Schema;

/**
 * Writes an event as its topic's JSON with Pulsar schema STRING (the schema every Parley topic
 * carries) and a message key, so a keyed topic keeps one key's events in order.
 */
public final class KeyedJsonSerializer<E> implements PulsarSerializationSchema<E> {
    private static final long serialVersionUID = 1L;

    // the registry's Topic is not Serializable: keep its parts, rebuild it in the task
    private final String topicName;
    private final Class<E> eventType;
    private final SerializableFunction<E, String> key;
    private transient Topic<E> topic;

    public KeyedJsonSerializer(Topic<E> topic, SerializableFunction<E, String> key) {
        this.topicName = topic.name();
        this.eventType = topic.type();
        this.key = key;
    }

    @Override
    public PulsarMessage<?> serialize(E element, PulsarSinkContext sinkContext) {
        if (topic == null) {
            topic = new Topic<>(topicName, eventType);
        }
        return PulsarMessage.builder(Schema.STRING, topic.encode(element))
                .key(key.apply(element))
                .build();
    }
}

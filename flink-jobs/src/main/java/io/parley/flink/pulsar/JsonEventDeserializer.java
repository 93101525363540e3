package io.parley.flink.pulsar;

import io.parley.schemas.topics.Topic;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.pulsar.source.reader.deserializer.PulsarDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.pulsar.client.api.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a topic's UTF-8 JSON (its Pulsar schema is STRING) with the topic's codec from {@code
 * schemas/}, then maps the event to the job's record. A message that is not valid JSON for the
 * topic cannot become valid by retrying: it is logged and skipped, so one bad message never stops a
 * derived store.
 */
public final class JsonEventDeserializer<E, R> implements PulsarDeserializationSchema<R> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JsonEventDeserializer.class);

    // the registry's Topic is not Serializable: keep its parts, rebuild it in the task
    private final String topicName;
    private final Class<E> eventType;
    private final SerializableFunction<E, R> toRecord;
    private final TypeInformation<R> type;
    private transient Topic<E> topic;

    public JsonEventDeserializer(
            Topic<E> topic, SerializableFunction<E, R> toRecord, TypeInformation<R> type) {
        this.topicName = topic.name();
        this.eventType = topic.type();
        this.toRecord = toRecord;
        this.type = type;
    }

    /** The topic's events as they are. */
    public static <E> JsonEventDeserializer<E, E> of(Topic<E> topic) {
        return new JsonEventDeserializer<>(topic, event -> event, TypeInformation.of(topic.type()));
    }

    @Override
    public void deserialize(Message<byte[]> message, Collector<R> out) {
        if (topic == null) {
            topic = new Topic<>(topicName, eventType);
        }
        E event;
        try {
            event = topic.decode(message.getValue());
        } catch (UncheckedIOException | IllegalArgumentException e) {
            LOG.warn(
                    "skipping undecodable message {} on {}: {}",
                    message.getMessageId(),
                    message.getTopicName(),
                    e.getMessage());
            return;
        }
        R record = event == null ? null : toRecord.apply(event);
        if (record == null) {
            LOG.warn(
                    "skipping message {} on {}: not a valid {}",
                    message.getMessageId(),
                    message.getTopicName(),
                    eventType.getSimpleName());
            return;
        }
        out.collect(record);
    }

    @Override
    public TypeInformation<R> getProducedType() {
        return type;
    }
}

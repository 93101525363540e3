package io.parley.flink.pulsar;

import io.parley.schemas.LogPosition;
import io.parley.schemas.topics.Topic;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.pulsar.source.reader.deserializer.PulsarDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a topic's UTF-8 JSON (its Pulsar schema is STRING) with the topic's codec from {@code
 * schemas/}, then maps the event (with, for {@link #withPosition}, the {@link LogPosition} of the
 * message it came in) to the job's record. A message that is not valid JSON for the topic cannot
 * become valid by retrying: it is logged and skipped, so one bad message never stops a derived
 * store.
 */
public final class JsonEventDeserializer<E, R> implements PulsarDeserializationSchema<R> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JsonEventDeserializer.class);

    /** Maps an event and its message's log position to a record (null = skip it). */
    @FunctionalInterface
    public interface PositionedMapper<E, R> extends Serializable {
        R apply(E event, String position);
    }

    // the registry's Topic is not Serializable: keep its parts, rebuild it in the task
    private final String topicName;
    private final Class<E> eventType;
    private final PositionedMapper<E, R> toRecord;
    private final boolean needsPosition;
    private final TypeInformation<R> type;
    private transient Topic<E> topic;

    public JsonEventDeserializer(
            Topic<E> topic, SerializableFunction<E, R> toRecord, TypeInformation<R> type) {
        this(topic, (event, position) -> toRecord.apply(event), false, type);
    }

    private JsonEventDeserializer(
            Topic<E> topic,
            PositionedMapper<E, R> toRecord,
            boolean needsPosition,
            TypeInformation<R> type) {
        this.topicName = topic.name();
        this.eventType = topic.type();
        this.toRecord = toRecord;
        this.needsPosition = needsPosition;
        this.type = type;
    }

    /** The topic's events as they are. */
    public static <E> JsonEventDeserializer<E, E> of(Topic<E> topic) {
        return new JsonEventDeserializer<>(topic, event -> event, TypeInformation.of(topic.type()));
    }

    /**
     * Records that know where in the log they come from: {@code LogPosition.of(ledger, entry,
     * batchIndex)} of the message, the version the live path's caches of that log are written with.
     */
    public static <E, R> JsonEventDeserializer<E, R> withPosition(
            Topic<E> topic, PositionedMapper<E, R> toRecord, TypeInformation<R> type) {
        return new JsonEventDeserializer<>(topic, toRecord, true, type);
    }

    /** The position of a message of a non-partitioned topic (see {@link LogPosition}). */
    public static String positionOf(MessageId id) {
        if (!(id instanceof MessageIdAdv adv)) {
            throw new IllegalArgumentException("no ledger position in message id " + id);
        }
        return LogPosition.of(adv.getLedgerId(), adv.getEntryId(), adv.getBatchIndex());
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
        R record =
                event == null
                        ? null
                        : toRecord.apply(
                                event, needsPosition ? positionOf(message.getMessageId()) : null);
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

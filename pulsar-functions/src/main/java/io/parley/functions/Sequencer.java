package io.parley.functions;

import io.parley.schemas.events.SendCommand;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;

/**
 * Reads every room's ingress topic (pattern subscription, retain-ordering) and appends each send to
 * {@code events/messages} with its seq, keyed by room. The state is committed before the publish
 * (see {@link RoomSequencer}), and the input is acknowledged only after the publish is durable, so
 * a crash anywhere re-emits the same seq and never loses a send.
 */
public class Sequencer implements Function<String, Void> {

    @Override
    public Void process(String input, Context context) throws Exception {
        String topic = context.getCurrentRecord().getTopicName().orElseThrow();
        String roomId = Topics.roomIdOf(topic);
        SendCommand send;
        try {
            send = Topics.room(roomId).decode(input);
        } catch (RuntimeException e) {
            context.getLogger().error("undecodable send on {}, dead-lettered", topic, e);
            context.newOutputMessage(Topics.DEAD_LETTERS.name(), Schema.STRING)
                    .key(roomId)
                    .value(input)
                    .send();
            return null;
        }
        RoomSequencer sequencer =
                new RoomSequencer(new ContextState(context), System::currentTimeMillis);
        SequencedMessage message = sequencer.sequence(roomId, send);
        context.newOutputMessage(Topics.MESSAGES.name(), Schema.STRING)
                .key(roomId)
                .value(Topics.MESSAGES.encode(message))
                .send();
        return null;
    }

    /** The function's state store (RocksDB or BookKeeper table service) as a string map. */
    private record ContextState(Context context) implements KeyValueState {
        @Override
        public String get(String key) {
            ByteBuffer value = context.getState(key);
            if (value == null) {
                return null;
            }
            byte[] bytes = new byte[value.remaining()];
            value.duplicate().get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public void put(String key, String value) {
            context.putState(key, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        }
    }
}

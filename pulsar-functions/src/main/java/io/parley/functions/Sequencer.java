package io.parley.functions;

import io.parley.schemas.events.SendCommand;
import io.parley.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;

/**
 * Reads every room's ingress topic (pattern subscription, retain-ordering) and appends each send to
 * {@code events/messages} (the function's output topic) with its seq; the output keeps the input's
 * key, the room id. The state is committed before the result is returned (see {@link
 * RoomSequencer}); the framework publishes results asynchronously, in input order, and acknowledges
 * an input only once its result is durable, so a crash anywhere re-emits the same seq and never
 * loses a send, while publishes are pipelined rather than awaited one by one.
 */
public class Sequencer implements Function<String, String> {
    private RoomSequencer sequencer;

    @Override
    public void initialize(Context context) {
        sequencer = new RoomSequencer(new ContextState(context), System::currentTimeMillis);
    }

    @Override
    public String process(String input, Context context) throws Exception {
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
        // the state is durable before the result goes out; the framework then publishes results
        // in input order and acknowledges each input once its result is in the log
        RoomSequencer.Sequenced sequenced = sequencer.sequence(roomId, send);
        sequenced.durable().join();
        return Topics.MESSAGES.encode(sequenced.message());
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
        public CompletableFuture<Void> put(String key, String value) {
            return context.putStateAsync(
                    key, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        }
    }
}

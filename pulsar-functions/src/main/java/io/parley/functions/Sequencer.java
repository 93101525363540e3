package io.parley.functions;

import io.parley.schemas.events.SendCommand;
import io.parley.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;

/**
 * Reads every room's ingress topic (pattern subscription, retain-ordering) and appends each send to
 * {@code events/messages} (the function's output topic) with its seq; the output keeps the input's
 * key, the room id. The function is asynchronous: a send's result completes once the state that
 * counts it is durable (group commit per room, see {@link RoomSequencer} and {@link
 * RoomCommitter}); the framework publishes results in input order and acknowledges an input only
 * once its result is in the log, so a crash anywhere re-emits the same seq and never loses a send,
 * while state writes of many sends and rooms share syncs instead of waiting one by one.
 */
public class Sequencer implements Function<String, CompletableFuture<String>> {
    static final int WRITER_THREADS = 8;
    private static final long CLOSE_WAIT_SECONDS = 10;

    private ExecutorService writers;
    private RoomSequencer sequencer;

    @Override
    public void initialize(Context context) {
        AtomicInteger n = new AtomicInteger();
        writers =
                Executors.newFixedThreadPool(
                        WRITER_THREADS,
                        r -> {
                            Thread t =
                                    new Thread(r, "parley-sequencer-state-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        sequencer =
                new RoomSequencer(new ContextState(context), writers, System::currentTimeMillis);
    }

    @Override
    public void close() throws InterruptedException {
        // a new instance reads the rooms' state: no write of this one may land after that
        if (sequencer != null) {
            sequencer.close();
        }
        if (writers != null) {
            writers.shutdown();
            writers.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public CompletableFuture<String> process(String input, Context context) throws Exception {
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
            return CompletableFuture.completedFuture(null);
        }
        RoomSequencer.Sequenced sequenced = sequencer.sequence(roomId, send);
        String encoded = Topics.MESSAGES.encode(sequenced.message());
        return sequenced.durable().thenApply(durable -> encoded);
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

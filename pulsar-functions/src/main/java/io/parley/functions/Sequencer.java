package io.parley.functions;

import io.parley.schemas.events.CommandOutcome;
import io.parley.schemas.events.DeliveryEnvelope;
import io.parley.schemas.events.DeviceRef;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;

/**
 * Reads every room's ingress topic (pattern subscription, retain-ordering) and appends each send to
 * {@code events/messages} with its seq, keyed by room id. The function is asynchronous: a send is
 * published once the state that counts it is durable (group commit per room, see {@link
 * RoomSequencer} and {@link RoomCommitter}), and the framework acknowledges the input only once
 * that publish is in the log, so a crash anywhere re-emits the same seq and never loses a send,
 * while the state writes of many sends and rooms share syncs instead of waiting one by one. It
 * publishes through its own producer ({@link Producers}), whose batches wait 1 ms rather than the
 * output sink's 10 ms; per room, publishes happen in seq order because a room's commits complete in
 * order.
 */
public class Sequencer implements Function<String, CompletableFuture<Void>> {
    static final int WRITER_THREADS = 8;
    private static final long CLOSE_WAIT_SECONDS = 10;

    private ExecutorService writers;
    private RoomSequencer sequencer;
    private Producers producers;

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
        producers = new Producers(context.getPulsarClient());
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
        if (producers != null) {
            producers.close();
        }
    }

    @Override
    public CompletableFuture<Void> process(String input, Context context) {
        String topic = context.getCurrentRecord().getTopicName().orElseThrow();
        String roomId = Topics.roomIdOf(topic);
        SendCommand send;
        try {
            send = Topics.room(roomId).decode(input);
        } catch (RuntimeException e) {
            context.getLogger().error("undecodable send on {}, dead-lettered", topic, e);
            return producers.send(Topics.DEAD_LETTERS.name(), roomId, input).thenRun(() -> {});
        }
        RoomSequencer.Sequenced sequenced = sequencer.sequence(roomId, send);
        if (sequenced.outcome() != null) {
            return sequenced.durable().thenCompose(durable -> answer(sequenced.outcome(), send));
        }
        List<String> encoded = sequenced.entries().stream().map(Topics.MESSAGES::encode).toList();
        return sequenced
                .durable()
                .thenCompose(
                        durable -> {
                            // one producer, keyed by room: the entries land in this order
                            List<CompletableFuture<?>> sends = new ArrayList<>();
                            for (String entry : encoded) {
                                sends.add(producers.send(Topics.MESSAGES.name(), roomId, entry));
                            }
                            return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
                        });
    }

    /**
     * Routes a rejection (or an "already in the log") back to the gateway that published the
     * command, for the device that sent it or the HTTP call waiting there.
     */
    private CompletableFuture<Void> answer(CommandOutcome outcome, SendCommand send) {
        if (send.gatewayId() == null || !Topics.ID.matcher(send.gatewayId()).matches()) {
            return CompletableFuture.completedFuture(null);
        }
        List<DeviceRef> to =
                send.senderDeviceId() == null
                        ? List.of()
                        : List.of(new DeviceRef(send.senderId(), send.senderDeviceId()));
        var topic = Topics.delivery(send.gatewayId());
        return producers
                .send(topic.name(), send.roomId(), topic.encode(DeliveryEnvelope.of(to, outcome)))
                .thenRun(() -> {});
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

package io.parley.edge.delivery;

import io.parley.schemas.events.DeliveryStat;
import io.parley.schemas.events.ReceiptEvent;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.events.Signal;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.topics.Topic;
import io.parley.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/**
 * Everything the edge writes to Pulsar, with the STRING schema every reader of those topics uses. A
 * producer is created on a topic's first publish and closed by {@link #closeIdle} once the topic
 * has gone unused (a gateway would otherwise hold one producer for every room it ever saw).
 */
public final class Publisher implements AutoCloseable {
    /** How long a room's producer is kept without publishes. */
    public static final Duration IDLE_PRODUCER = Duration.ofMinutes(5);

    private static final Logger LOG = Logger.getLogger(Publisher.class.getName());

    private final PulsarClient client;
    private final Clock clock;
    private final Map<String, TopicProducer> producers = new ConcurrentHashMap<>();

    private record TopicProducer(InOrder<Producer<String>> producer, Leases leases) {}

    public Publisher(PulsarClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public CompletableFuture<MessageId> send(SendCommand send) {
        return publish(Topics.room(send.roomId()), send.roomId(), send);
    }

    /** An entry of the user's log; the future completes once it is in the log. */
    public CompletableFuture<MessageId> user(UserEvent event) {
        return publish(Topics.USERS, event.userId(), event);
    }

    public CompletableFuture<MessageId> receipt(ReceiptEvent receipt) {
        return publish(Topics.RECEIPTS, receipt.roomId(), receipt);
    }

    public CompletableFuture<MessageId> signal(Signal signal) {
        String key = signal.roomId() != null ? signal.roomId() : signal.userId();
        return publish(Topics.SIGNALS, key, signal);
    }

    public CompletableFuture<MessageId> stat(DeliveryStat stat) {
        return publish(Topics.DELIVERY_STATS, stat.roomId(), stat);
    }

    private <T> CompletableFuture<MessageId> publish(Topic<T> topic, String key, T value) {
        String json = topic.encode(value);
        while (true) {
            TopicProducer p = producer(topic.name());
            if (!p.leases().begin(clock.millis())) {
                // retired since the lookup: the next lookup opens a new one
                producers.remove(topic.name(), p);
                continue;
            }
            CompletableFuture<MessageId> sent;
            try {
                sent = p.producer().submit(pr -> pr.newMessage().key(key).value(json).sendAsync());
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenComplete((id, e) -> p.leases().end());
            return sent;
        }
    }

    private TopicProducer producer(String topic) {
        TopicProducer producer =
                producers.computeIfAbsent(
                        topic,
                        t ->
                                new TopicProducer(
                                        new InOrder<>(
                                                client.newProducer(Schema.STRING)
                                                        .topic(t)
                                                        .enableBatching(true)
                                                        .batchingMaxPublishDelay(
                                                                1, TimeUnit.MILLISECONDS)
                                                        .blockIfQueueFull(true)
                                                        .sendTimeout(10, TimeUnit.SECONDS)
                                                        .createAsync()),
                                        new Leases(clock.millis())));
        // a failed creation is not cached: the next call tries again
        producer.producer()
                .resource()
                .whenComplete(
                        (p, e) -> {
                            if (e != null) {
                                producers.remove(topic, producer);
                            }
                        });
        return producer;
    }

    /**
     * Closes the producers of topics with nothing in flight and no publish for {@code idle};
     * returns how many.
     */
    public int closeIdle(Duration idle) {
        long now = clock.millis();
        int closed = 0;
        for (Map.Entry<String, TopicProducer> e : producers.entrySet()) {
            TopicProducer p = e.getValue();
            if (p.leases().retireIfIdle(now, idle.toMillis()) && producers.remove(e.getKey(), p)) {
                p.producer().resource().thenAccept(Producer::closeAsync);
                closed++;
            }
        }
        if (closed > 0) {
            LOG.fine(() -> "closed idle producers; " + producers.size() + " remain");
        }
        return closed;
    }

    public int producerCount() {
        return producers.size();
    }

    @Override
    public void close() {
        producers.values().forEach(p -> p.producer().resource().thenAccept(Producer::closeAsync));
    }
}

package io.parley.edge.delivery;

import io.parley.schemas.events.DeliveryStat;
import io.parley.schemas.events.ReceiptEvent;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.events.Signal;
import io.parley.schemas.topics.Topic;
import io.parley.schemas.topics.Topics;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/**
 * Everything the edge writes to Pulsar, with the STRING schema every reader of those topics uses.
 * Producers are created once per topic and kept.
 */
public final class Publisher implements AutoCloseable {
    private final PulsarClient client;
    private final Map<String, InOrder<Producer<String>>> producers = new ConcurrentHashMap<>();

    public Publisher(PulsarClient client) {
        this.client = client;
    }

    public CompletableFuture<MessageId> send(SendCommand send) {
        return publish(Topics.room(send.roomId()), send.roomId(), send);
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
        return producer(topic.name()).submit(p -> p.newMessage().key(key).value(json).sendAsync());
    }

    private InOrder<Producer<String>> producer(String topic) {
        InOrder<Producer<String>> producer =
                producers.computeIfAbsent(
                        topic,
                        t ->
                                new InOrder<>(
                                        client.newProducer(Schema.STRING)
                                                .topic(t)
                                                .enableBatching(true)
                                                .batchingMaxPublishDelay(1, TimeUnit.MILLISECONDS)
                                                .blockIfQueueFull(true)
                                                .sendTimeout(10, TimeUnit.SECONDS)
                                                .createAsync()));
        // a failed creation is not cached: the next call tries again
        producer.resource()
                .whenComplete(
                        (p, e) -> {
                            if (e != null) {
                                producers.remove(topic, producer);
                            }
                        });
        return producer;
    }

    @Override
    public void close() {
        producers.values().forEach(f -> f.resource().thenAccept(Producer::closeAsync));
    }
}

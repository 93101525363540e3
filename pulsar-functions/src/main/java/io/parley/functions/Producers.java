package io.parley.functions;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;

/**
 * The functions' own producers, one per topic, batching for at most {@value #BATCH_DELAY_MS} ms.
 * The framework's producers ({@code context.newOutputMessage}, the output sink) hold every batch
 * open for 10 ms, which is not configurable in Pulsar 4.0 and would add up to 10 ms per hop to a
 * chat message's latency. Sends to one topic keep the order they were made in.
 */
final class Producers implements AutoCloseable {
    static final long BATCH_DELAY_MS = 1;

    private final PulsarClient client;
    private final Map<String, Producer<String>> byTopic = new ConcurrentHashMap<>();

    Producers(PulsarClient client) {
        this.client = client;
    }

    CompletableFuture<MessageId> send(String topic, String key, String value) {
        return producer(topic).newMessage().key(key).value(value).sendAsync();
    }

    private Producer<String> producer(String topic) {
        return byTopic.computeIfAbsent(
                topic,
                t -> {
                    try {
                        return client.newProducer(Schema.STRING)
                                .topic(t)
                                .enableBatching(true)
                                .batchingMaxPublishDelay(BATCH_DELAY_MS, TimeUnit.MILLISECONDS)
                                .blockIfQueueFull(true)
                                .create();
                    } catch (PulsarClientException e) {
                        throw new IllegalStateException("cannot open a producer on " + t, e);
                    }
                });
    }

    @Override
    public void close() {
        for (Producer<String> p : byTopic.values()) {
            p.closeAsync();
        }
        byTopic.clear();
    }
}

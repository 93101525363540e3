package io.parley.edge.delivery;

import io.parley.edge.ws.Connection;
import io.parley.edge.ws.ConnectionRegistry;
import io.parley.edge.ws.Deliverer;
import io.parley.schemas.events.DeliveryEnvelope;
import io.parley.schemas.events.DeliveryStat;
import io.parley.schemas.events.DeviceRef;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.topics.Topic;
import io.parley.schemas.topics.Topics;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;

/**
 * Subscribes this gateway to its own delivery topic and hands each envelope's payload to the listed
 * local devices, in the topic's order (one listener thread). Records per-delivery timings to {@code
 * events/delivery-stats}.
 */
public final class DeliveryListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DeliveryListener.class.getName());

    private final Consumer<String> consumer;

    public DeliveryListener(
            PulsarClient client,
            String gatewayId,
            ConnectionRegistry connections,
            Deliverer deliverer,
            Publisher publisher,
            PendingCalls pending,
            Clock clock)
            throws PulsarClientException {
        Topic<DeliveryEnvelope> topic = Topics.delivery(gatewayId);
        this.consumer =
                client.newConsumer(Schema.STRING)
                        .topic(topic.name())
                        .subscriptionName("edge-" + gatewayId)
                        // failover: a restarted edge with the same id takes over at once
                        .subscriptionType(SubscriptionType.Failover)
                        .subscriptionInitialPosition(SubscriptionInitialPosition.Latest)
                        .messageListener(
                                (Consumer<String> c, Message<String> msg) -> {
                                    try {
                                        DeliveryEnvelope envelope = topic.decode(msg.getValue());
                                        deliver(
                                                envelope,
                                                connections,
                                                deliverer,
                                                publisher,
                                                pending,
                                                gatewayId,
                                                clock);
                                    } catch (RuntimeException e) {
                                        LOG.log(Level.WARNING, "undeliverable envelope skipped", e);
                                    }
                                    c.acknowledgeAsync(msg);
                                })
                        .subscribe();
    }

    static void deliver(
            DeliveryEnvelope envelope,
            ConnectionRegistry connections,
            Deliverer deliverer,
            Publisher publisher,
            PendingCalls pending,
            String gatewayId,
            Clock clock) {
        if (envelope.message() != null && !envelope.message().isMessage()) {
            // FanOut has applied the event to the live path: a call waiting here may answer
            pending.entered(envelope.message());
        }
        if (envelope.outcome() != null && pending.answered(envelope.outcome())) {
            return;
        }
        int delivered = 0;
        int dropped = 0;
        int queued = 0;
        for (DeviceRef device : envelope.recipients()) {
            Connection c = connections.get(device.userId(), device.deviceId());
            if (c == null) {
                continue;
            }
            if (envelope.message() != null) {
                deliverer.message(c, envelope.message());
                delivered++;
                queued += c.queued();
            } else if (envelope.signal() != null) {
                if (!deliverer.signal(c, envelope.signal())) {
                    dropped++;
                }
            } else if (envelope.receipt() != null) {
                deliverer.receipt(c, envelope.receipt());
            } else if (envelope.outcome() != null) {
                deliverer.outcome(c, envelope.outcome());
            }
        }
        SequencedMessage m = envelope.message();
        if (m != null && m.isMessage() && delivered > 0) {
            publisher.stat(
                    new DeliveryStat(
                            m.roomId(),
                            m.seq(),
                            gatewayId,
                            m.clientTs(),
                            m.edgeTs(),
                            m.ts(),
                            clock.millis(),
                            delivered,
                            dropped,
                            queued));
        }
    }

    @Override
    public void close() {
        consumer.closeAsync();
    }
}

package io.parley.functions;

import io.parley.schemas.events.DeliveryEnvelope;
import io.parley.schemas.events.DeviceRef;
import io.parley.schemas.events.PushRequest;
import io.parley.schemas.events.ReceiptUpdate;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.events.Signal;
import io.parley.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;

/**
 * Routes sequenced messages, signals and receipt updates to the delivery topic of every gateway
 * with a recipient device (a read state and a device's sign-out to the user's own devices), one
 * envelope per gateway; members with no live device get a push request instead. The input is
 * acknowledged after every envelope is published.
 *
 * <p>User config: {@code redisUrl} (default {@value #DEFAULT_REDIS_URL}).
 */
public class FanOut implements Function<String, CompletableFuture<Void>> {
    public static final String REDIS_URL = "redisUrl";
    public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    private static final int PREVIEW_CHARS = 100;

    /** What a push of an encrypted message says: nothing of its content. */
    static final String ENCRYPTED_PREVIEW = "New message";

    private RedisDirectory directory;
    private Router router;
    private Producers producers;

    @Override
    public void initialize(Context context) {
        String url = context.getUserConfigValueOrDefault(REDIS_URL, DEFAULT_REDIS_URL).toString();
        directory = new RedisDirectory(url);
        router = new Router(directory);
        producers = new Producers(context.getPulsarClient());
    }

    @Override
    public void close() {
        if (producers != null) {
            producers.close();
        }
        if (directory != null) {
            directory.close();
        }
    }

    @Override
    public CompletableFuture<Void> process(String input, Context context) throws Exception {
        String topic = context.getCurrentRecord().getTopicName().orElseThrow();
        long now = System.currentTimeMillis();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        if (topic.equals(Topics.MESSAGES.name())) {
            SequencedMessage message = Topics.MESSAGES.decode(input);
            if (message.isMessage()) {
                DeliveryPlan plan =
                        router.forMessage(message.roomId(), message.seq(), message.senderId(), now);
                publish(message.roomId(), plan, r -> DeliveryEnvelope.of(r, message), sends);
                for (String user : plan.offlineUsers()) {
                    if (!user.equals(message.senderId())) {
                        sends.add(
                                producers.send(
                                        Topics.PUSH.name(),
                                        user,
                                        Topics.PUSH.encode(pushFor(message, user))));
                    }
                }
            } else {
                routeEvent(message, now, sends);
            }
        } else if (topic.equals(Topics.SIGNALS.name())) {
            Signal signal = Topics.SIGNALS.decode(input);
            DeliveryPlan plan =
                    switch (signal.kind()) {
                        case TYPING -> router.forRoomExcept(signal.roomId(), signal.userId(), now);
                        case PRESENCE -> router.forPeersOf(signal.userId(), now);
                        case SIGN_OUT, TO_DEVICE -> router.forUser(signal.userId(), now);
                    };
            String key = signal.roomId() != null ? signal.roomId() : signal.userId();
            publish(key, plan, r -> DeliveryEnvelope.of(r, signal), sends);
        } else if (topic.equals(Topics.RECEIPT_UPDATES.name())) {
            ReceiptUpdate receipt = Topics.RECEIPT_UPDATES.decode(input);
            DeliveryPlan plan;
            if (receipt.readState()) {
                plan = router.forUser(receipt.userId(), now);
            } else if (receipt.userId() != null) {
                plan = router.forRoomExcept(receipt.roomId(), receipt.userId(), now);
            } else {
                plan = router.forRoom(receipt.roomId(), now);
            }
            publish(receipt.roomId(), plan, r -> DeliveryEnvelope.of(r, receipt), sends);
        } else {
            context.getLogger().warn("input from unexpected topic {} ignored", topic);
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
    }

    /**
     * An event: the membership cache first (so the change is visible everywhere once its caller
     * hears of it), then every member and the users it names; the gateway that published the
     * command always gets it, even with no recipient there, for an HTTP call waiting on it. Events
     * are never pushed.
     */
    private void routeEvent(SequencedMessage entry, long now, List<CompletableFuture<?>> sends) {
        directory.apply(entry.roomId(), entry.seq(), entry.event(), entry.room());
        DeliveryPlan plan =
                router.forEntry(entry.roomId(), entry.seq(), entry.event().namedUsers(), now);
        Map<String, List<DeviceRef>> byGateway = new java.util.TreeMap<>(plan.byGateway());
        if (entry.gatewayId() != null && Topics.ID.matcher(entry.gatewayId()).matches()) {
            byGateway.putIfAbsent(entry.gatewayId(), List.of());
        }
        publish(
                entry.roomId(),
                new DeliveryPlan(byGateway, plan.offlineUsers()),
                r -> DeliveryEnvelope.of(r, entry),
                sends);
    }

    private void publish(
            String key,
            DeliveryPlan plan,
            java.util.function.Function<List<DeviceRef>, DeliveryEnvelope> envelope,
            List<CompletableFuture<?>> sends) {
        for (Map.Entry<String, List<DeviceRef>> gateway : plan.byGateway().entrySet()) {
            var topic = Topics.delivery(gateway.getKey());
            sends.add(
                    producers.send(
                            topic.name(), key, topic.encode(envelope.apply(gateway.getValue()))));
        }
    }

    /** A push with a preview of the body; none for ciphertext (PROTOCOL.md section 6). */
    static PushRequest pushFor(SequencedMessage message, String user) {
        String body = message.body() == null ? "" : message.body();
        String preview =
                message.ciphertext()
                        ? ENCRYPTED_PREVIEW
                        : body.length() <= PREVIEW_CHARS ? body : body.substring(0, PREVIEW_CHARS);
        return new PushRequest(
                message.roomId(),
                message.seq(),
                message.msgId(),
                message.senderId(),
                user,
                preview,
                message.ts());
    }
}

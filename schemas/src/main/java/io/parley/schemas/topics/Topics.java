package io.parley.schemas.topics;

import io.parley.schemas.events.DeliveryEnvelope;
import io.parley.schemas.events.DeliveryStat;
import io.parley.schemas.events.PushRequest;
import io.parley.schemas.events.ReceiptEvent;
import io.parley.schemas.events.ReceiptUpdate;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.events.Signal;
import io.parley.schemas.events.UserEvent;
import java.util.List;
import java.util.regex.Pattern;

/** The registry of Parley's topics (DESIGN.md "Topics"): no other class spells a topic name. */
public final class Topics {
    public static final String TENANT = "parley";
    public static final String ROOMS_NAMESPACE = TENANT + "/rooms";
    public static final String EVENTS_NAMESPACE = TENANT + "/events";
    public static final String DELIVERY_NAMESPACE = TENANT + "/delivery";
    public static final String FUNCTIONS_NAMESPACE = "functions";

    private static final String ROOM_PREFIX = "persistent://" + ROOMS_NAMESPACE + "/r.";
    private static final String DELIVERY_PREFIX = "persistent://" + DELIVERY_NAMESPACE + "/gw.";

    /** Ids allowed for rooms and gateways: they become part of a topic name. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Every room's ingress topic, as the Sequencer's pattern subscription sees them. */
    public static final String ROOMS_PATTERN = "persistent://" + ROOMS_NAMESPACE + "/r\\..*";

    public static final Topic<SequencedMessage> MESSAGES =
            events("messages", SequencedMessage.class);

    /** The users' logs: user-level state (privacy, devices, media), key = user id. */
    public static final Topic<UserEvent> USERS = events("users", UserEvent.class);

    public static final Topic<ReceiptEvent> RECEIPTS = events("receipts", ReceiptEvent.class);
    public static final Topic<ReceiptUpdate> RECEIPT_UPDATES =
            events("receipt-updates", ReceiptUpdate.class);
    public static final Topic<Signal> SIGNALS = events("signals", Signal.class);
    public static final Topic<PushRequest> PUSH = events("push", PushRequest.class);
    public static final Topic<DeliveryStat> DELIVERY_STATS =
            events("delivery-stats", DeliveryStat.class);

    /** Inputs a function could not decode, kept as they came for an operator to inspect. */
    public static final Topic<String> DEAD_LETTERS = events("dead-letters", String.class);

    private Topics() {}

    /**
     * The fixed topics (all of {@code events/}): their STRING schema is registered when the stack
     * is initialised, before any client attaches. Otherwise whichever client attaches first
     * decides: a schemaless consumer (a Flink source) on a topic without schema makes a later
     * STRING producer fail with "Failed to add schema to an active topic with empty(BYTES) schema".
     */
    public static List<Topic<?>> fixed() {
        return List.of(
                MESSAGES,
                USERS,
                RECEIPTS,
                RECEIPT_UPDATES,
                SIGNALS,
                PUSH,
                DELIVERY_STATS,
                DEAD_LETTERS);
    }

    /**
     * The logs every projection is rebuilt from: kept for as long as replay is promised (no
     * retention limit), where the other fixed topics keep their namespace's week.
     */
    public static List<Topic<?>> logs() {
        return List.of(MESSAGES, USERS, RECEIPTS);
    }

    /**
     * Prints the fixed topics' names (or with {@code --logs} the logs' names), one per line, for
     * the stack's init script.
     */
    public static void main(String[] args) {
        List<Topic<?>> topics = args.length > 0 && args[0].equals("--logs") ? logs() : fixed();
        topics.forEach(t -> System.out.println(t.name()));
    }

    /** The ingress topic of one room. */
    public static Topic<SendCommand> room(String roomId) {
        return new Topic<>(ROOM_PREFIX + requireId(roomId), SendCommand.class);
    }

    /** The room id of an ingress topic name (possibly with a partition suffix). */
    public static String roomIdOf(String topicName) {
        int at = topicName.lastIndexOf("/r.");
        if (at < 0) {
            throw new IllegalArgumentException("not a room topic: " + topicName);
        }
        String id = topicName.substring(at + 3);
        int partition = id.indexOf("-partition-");
        return partition >= 0 ? id.substring(0, partition) : id;
    }

    /** The delivery topic of one gateway. */
    public static Topic<DeliveryEnvelope> delivery(String gatewayId) {
        return new Topic<>(DELIVERY_PREFIX + requireId(gatewayId), DeliveryEnvelope.class);
    }

    private static <T> Topic<T> events(String name, Class<T> type) {
        return new Topic<>("persistent://" + EVENTS_NAMESPACE + "/" + name, type);
    }

    private static String requireId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid id for a topic name: " + id);
        }
        return id;
    }
}

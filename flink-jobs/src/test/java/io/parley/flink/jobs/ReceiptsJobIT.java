package io.parley.flink.jobs;

import static io.parley.schemas.events.ReceiptStatus.DELIVERED;
import static io.parley.schemas.events.ReceiptStatus.READ;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.driver.core.Row;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.rooms.CassandraRoomDirectory;
import io.parley.flink.sinks.CassandraUpsertSink;
import io.parley.schemas.events.ReceiptEvent;
import io.parley.schemas.events.ReceiptStatus;
import io.parley.schemas.events.ReceiptUpdate;
import io.parley.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReceiptsJobIT extends ParleyITBase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = miniCluster();

    private final String input = testTopic(Topics.RECEIPTS);
    private final String output = testTopic(Topics.RECEIPT_UPDATES);
    private final String direct = unique("dm");
    private final String group = unique("group");
    private final List<Message<String>> updates = new ArrayList<>();
    private Consumer<String> consumer;

    @BeforeEach
    void createRoomsAndListen() throws Exception {
        room(direct, "direct", "alice", "bob");
        room(group, "group", "alice", "bob", "carol", "dave");
        consumer =
                pulsar.newConsumer(Schema.STRING)
                        .topic(output)
                        .subscriptionName("it-listener")
                        .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                        .subscribe();
        run(
                ReceiptsJob.NAME,
                env ->
                        new ReceiptsJob(
                                        PulsarConnectors.source(
                                                CONFIG,
                                                input,
                                                unique("parley-it-receipts"),
                                                ReceiptsJob.receiptEvents()),
                                        CassandraRoomDirectory.factory(
                                                CONFIG.cassandraHost(),
                                                CONFIG.cassandraPort(),
                                                Duration.ofSeconds(5)),
                                        CassandraUpsertSink.cursors(
                                                CONFIG.cassandraHost(), CONFIG.cassandraPort()),
                                        PulsarConnectors.keyedSink(
                                                CONFIG,
                                                Topics.RECEIPT_UPDATES,
                                                output,
                                                ReceiptUpdate::roomId),
                                        Duration.ofMillis(250),
                                        Duration.ofHours(1))
                                .build(env));
    }

    @AfterEach
    void cleanUp() throws Exception {
        consumer.close();
        for (String room : List.of(direct, group)) {
            cassandra.execute("DELETE FROM parley.rooms WHERE room_id = ?", room);
            cassandra.execute("DELETE FROM parley.room_members WHERE room_id = ?", room);
            cassandra.execute("DELETE FROM parley.room_cursors WHERE room_id = ?", room);
        }
    }

    private static void room(String roomId, String kind, String... members) {
        cassandra.execute("INSERT INTO parley.rooms (room_id, kind) VALUES (?, ?)", roomId, kind);
        for (String member : members) {
            cassandra.execute(
                    "INSERT INTO parley.room_members (room_id, user_id) VALUES (?, ?)",
                    roomId,
                    member);
        }
    }

    private static ReceiptEvent receipt(String room, String user, long seq, ReceiptStatus status) {
        return new ReceiptEvent(room, user, "dev-" + user, seq, status, System.currentTimeMillis());
    }

    private void send(ReceiptEvent... events) throws Exception {
        produce(input, Topics.RECEIPTS, ReceiptEvent::roomId, List.of(events));
    }

    private Map<String, String> cursors(String room) {
        Map<String, String> cursors = new TreeMap<>();
        for (Row row :
                cassandra.execute(
                        "SELECT user_id, delivered_seq, read_seq FROM parley.room_cursors WHERE room_id = ?",
                        room)) {
            cursors.put(
                    row.getString("user_id"),
                    row.getLong("delivered_seq") + "/" + row.getLong("read_seq"));
        }
        return cursors;
    }

    private List<ReceiptUpdate> updatesOf(String room) throws Exception {
        Message<String> message;
        while ((message = consumer.receive(10, TimeUnit.MILLISECONDS)) != null) {
            updates.add(message);
            consumer.acknowledge(message);
        }
        return updates.stream()
                .filter(m -> m.getKey().equals(room))
                .map(m -> Topics.RECEIPT_UPDATES.decode(m.getValue()))
                .toList();
    }

    @Test
    void shouldTickTheSenderPerPeerCursorChangeInADirectRoom() throws Exception {
        send(
                receipt(direct, "bob", 3, DELIVERED),
                receipt(direct, "bob", 2, READ),
                receipt(direct, "bob", 1, DELIVERED));

        eventually(
                DEADLINE,
                () ->
                        assertThat(ticks(updatesOf(direct)))
                                .containsExactly(
                                        new ReceiptUpdate(direct, 3, DELIVERED, "bob", 1, 0, 2),
                                        new ReceiptUpdate(direct, 2, READ, "bob", 1, 1, 2)));
        // bob's own read cursor, for his other devices
        assertThat(readStates(updatesOf(direct)))
                .containsExactly(ReceiptUpdate.readStateOf(direct, "bob", 2));
        eventually(DEADLINE, () -> assertThat(cursors(direct)).isEqualTo(Map.of("bob", "3/2")));
    }

    @Test
    void shouldAggregateAGroupIntoDebouncedCounts() throws Exception {
        send(
                receipt(group, "bob", 5, DELIVERED),
                receipt(group, "carol", 5, DELIVERED),
                receipt(group, "dave", 4, READ),
                receipt(group, "bob", 5, READ),
                receipt(group, "carol", 2, DELIVERED));

        eventually(
                DEADLINE,
                () -> {
                    List<ReceiptUpdate> received = ticks(updatesOf(group));
                    assertThat(received).isNotEmpty();
                    assertThat(lastOf(received, DELIVERED))
                            .isEqualTo(new ReceiptUpdate(group, 5, DELIVERED, null, 2, 1, 4));
                    assertThat(lastOf(received, READ))
                            .isEqualTo(new ReceiptUpdate(group, 5, READ, null, 2, 1, 4));
                });
        // five receipts in one burst: one debounce interval or two, never one update per receipt
        assertThat(ticks(updatesOf(group))).hasSizeLessThanOrEqualTo(4);
        // every rise of a reader's mark, at once and not debounced
        assertThat(readStates(updatesOf(group)))
                .containsExactlyInAnyOrder(
                        ReceiptUpdate.readStateOf(group, "dave", 4),
                        ReceiptUpdate.readStateOf(group, "bob", 5));
        eventually(
                DEADLINE,
                () ->
                        assertThat(cursors(group))
                                .isEqualTo(Map.of("bob", "5/5", "carol", "5/0", "dave", "4/4")));
    }

    private static List<ReceiptUpdate> ticks(List<ReceiptUpdate> updates) {
        return updates.stream().filter(u -> !u.readState()).toList();
    }

    private static List<ReceiptUpdate> readStates(List<ReceiptUpdate> updates) {
        return updates.stream().filter(ReceiptUpdate::readState).toList();
    }

    private static ReceiptUpdate lastOf(List<ReceiptUpdate> updates, ReceiptStatus status) {
        return updates.stream().filter(u -> u.status() == status).reduce((a, b) -> b).orElse(null);
    }
}

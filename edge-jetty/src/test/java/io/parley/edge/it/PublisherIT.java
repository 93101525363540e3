package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.edge.delivery.Publisher;
import io.parley.edge.store.Backends;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The edge's publisher against the real broker: order kept, idle producers closed and reopened. */
class PublisherIT {
    static Backends backends;

    @BeforeAll
    static void connect() throws Exception {
        backends = Backends.connect(EdgeStack.config(Map.of()));
    }

    @AfterAll
    static void close() {
        backends.close();
    }

    @Test
    void shouldCloseAnIdleRoomProducerAndOpenANewOneOnTheNextSend() throws Exception {
        String room = "itpub" + UUID.randomUUID().toString().substring(0, 8);
        String topic = Topics.room(room).name();
        try (Publisher publisher = new Publisher(backends.pulsar, Clock.systemUTC());
                Consumer<String> consumer =
                        backends.pulsar
                                .newConsumer(Schema.STRING)
                                .topic(topic)
                                .subscriptionName("it-publisher")
                                .subscriptionType(SubscriptionType.Exclusive)
                                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                                .subscribe()) {
            List<CompletableFuture<?>> first = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                first.add(publisher.send(send(room, "a" + i)));
            }
            CompletableFuture.allOf(first.toArray(CompletableFuture[]::new))
                    .get(20, TimeUnit.SECONDS);

            // a send's lease ends just after its future completes: the producer is idle a moment
            // after the last future, not always at once
            int closed =
                    Polling.until(
                            Duration.ofSeconds(5),
                            () -> publisher.closeIdle(Duration.ZERO),
                            n -> n == 1);
            publisher.send(send(room, "b0")).get(20, TimeUnit.SECONDS);

            List<String> got = new ArrayList<>();
            for (int i = 0; i < 21; i++) {
                Message<String> m = consumer.receive(20, TimeUnit.SECONDS);
                assertThat(m).as("message " + i).isNotNull();
                got.add(Topics.room(room).decode(m.getValue()).clientMsgId());
            }

            assertThat(closed).isEqualTo(1);
            assertThat(publisher.producerCount()).isEqualTo(1);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add("a" + i);
            }
            expected.add("b0");
            assertThat(got).containsExactlyElementsOf(expected);
        }
    }

    private static SendCommand send(String room, String clientMsgId) {
        return new SendCommand(room, "u", "d", "gw", clientMsgId, "hi", null, null, 1, 2);
    }
}

package io.parley.flink.pulsar;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.LogPosition;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.topics.Topics;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.junit.jupiter.api.Test;

class JsonEventDeserializerTest {

    @Test
    void shouldHandTheMapperTheLogPositionOfTheMessage() {
        JsonEventDeserializer<UserEvent, String> deserializer =
                JsonEventDeserializer.withPosition(
                        Topics.USERS,
                        (event, position) -> event.userId() + "@" + position,
                        Types.STRING);
        UserEvent event = UserEvent.deviceRegistered("bob", "ev", 1, "phone", "web", "t");

        List<String> out = new ArrayList<>();
        deserializer.deserialize(
                message(Topics.USERS.encode(event), id(12, 34, 2)), collector(out));
        deserializer.deserialize(
                message(Topics.USERS.encode(event), id(12, 35, -1)), collector(out));

        assertThat(out)
                .containsExactly(
                        "bob@" + LogPosition.of(12, 34, 2), "bob@" + LogPosition.of(12, 35, -1));
        // batched or not, later in the log sorts later
        assertThat(LogPosition.of(12, 34, 2)).isLessThan(LogPosition.of(12, 35, -1));
    }

    @Test
    void shouldSkipAMessageThatIsNoEventOfTheTopic() {
        List<String> out = new ArrayList<>();
        JsonEventDeserializer.withPosition(
                        Topics.USERS, (UserEvent event, String position) -> position, Types.STRING)
                .deserialize(message("not json", id(1, 1, -1)), collector(out));

        assertThat(out).isEmpty();
    }

    private static MessageIdAdv id(long ledger, long entry, int batchIndex) {
        return (MessageIdAdv)
                Proxy.newProxyInstance(
                        MessageIdAdv.class.getClassLoader(),
                        new Class<?>[] {MessageIdAdv.class},
                        (proxy, method, args) ->
                                switch (method.getName()) {
                                    case "getLedgerId" -> ledger;
                                    case "getEntryId" -> entry;
                                    case "getBatchIndex" -> batchIndex;
                                    case "toString" -> ledger + ":" + entry + ":" + batchIndex;
                                    default ->
                                            throw new UnsupportedOperationException(
                                                    method.getName());
                                });
    }

    @SuppressWarnings("unchecked")
    private static Message<byte[]> message(String json, MessageId id) {
        return (Message<byte[]>)
                Proxy.newProxyInstance(
                        Message.class.getClassLoader(),
                        new Class<?>[] {Message.class},
                        (proxy, method, args) ->
                                switch (method.getName()) {
                                    case "getValue" -> json.getBytes(StandardCharsets.UTF_8);
                                    case "getMessageId" -> id;
                                    case "getTopicName" -> Topics.USERS.name();
                                    default ->
                                            throw new UnsupportedOperationException(
                                                    method.getName());
                                });
    }

    private static <T> Collector<T> collector(List<T> out) {
        return new Collector<>() {
            @Override
            public void collect(T record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
    }
}

package io.parley.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import io.parley.schemas.events.MediaRef;
import io.parley.schemas.events.ReceiptStatus;
import io.parley.schemas.events.ReceiptUpdate;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.frames.ClientCommand;
import io.parley.schemas.frames.FrameCodec;
import io.parley.schemas.frames.FrameLimits;
import io.parley.schemas.frames.ServerFrame;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCodecTest {
    private static final FrameCodec CODEC = new FrameCodec(FrameLimits.DEFAULT);
    private static final JsonSchemaFactory FACTORY =
            JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final String SCHEMA = "classpath:schemas/protocol-v1.schema.json";
    private static final JsonSchema CLIENT =
            FACTORY.getSchema(SchemaLocation.of(SCHEMA + "#/$defs/client"));
    private static final JsonSchema SERVER =
            FACTORY.getSchema(SchemaLocation.of(SCHEMA + "#/$defs/server"));

    static Stream<Arguments> everyClientFrame() {
        return Stream.of(
                Arguments.of(
                        "{\"type\":\"join\",\"room_id\":\"r1\",\"since_seq\":5,\"ref\":\"a\"}",
                        new ClientCommand.Join("a", "r1", 5L)),
                Arguments.of(
                        "{\"type\":\"join\",\"room_id\":\"r1\"}",
                        new ClientCommand.Join(null, "r1", null)),
                Arguments.of(
                        "{\"type\":\"leave\",\"room_id\":\"r1\"}",
                        new ClientCommand.Leave(null, "r1")),
                Arguments.of(
                        "{\"type\":\"send\",\"room_id\":\"r1\",\"client_msg_id\":\"c1\",\"body\":\"hi\","
                                + "\"media_ids\":[\"m1\"],\"reply_to_seq\":3}",
                        new ClientCommand.Send(
                                null, "r1", "c1", "hi", List.of("m1"), 3L, null, false)),
                Arguments.of(
                        "{\"type\":\"send\",\"room_id\":\"r1\",\"client_msg_id\":\"c1\","
                                + "\"ciphertext\":\"q83vEg==\"}",
                        new ClientCommand.Send(
                                null, "r1", "c1", "q83vEg==", null, null, null, true)),
                Arguments.of(
                        "{\"type\":\"ack\",\"room_id\":\"r1\",\"seq\":7}",
                        new ClientCommand.Ack(null, "r1", 7)),
                Arguments.of(
                        "{\"type\":\"read\",\"room_id\":\"r1\",\"seq\":7}",
                        new ClientCommand.Read(null, "r1", 7)),
                Arguments.of(
                        "{\"type\":\"typing\",\"room_id\":\"r1\",\"active\":true}",
                        new ClientCommand.Typing(null, "r1", true)),
                Arguments.of(
                        "{\"type\":\"resume\",\"rooms\":[{\"room_id\":\"r1\",\"last_seq\":4}]}",
                        new ClientCommand.Resume(
                                null, List.of(new ClientCommand.RoomPosition("r1", 4)))),
                Arguments.of(
                        "{\"type\":\"presence\",\"status\":\"away\"}",
                        new ClientCommand.Presence(null, "away")),
                Arguments.of(
                        "{\"type\":\"ping\",\"ref\":\"p\",\"extra\":1}",
                        new ClientCommand.Ping("p")),
                Arguments.of(
                        "{\"type\":\"to_device\",\"client_msg_id\":\"t1\",\"messages\":"
                                + "[{\"user_id\":\"bob\",\"device_id\":\"b1\",\"ciphertext\":\"AAEC\"}]}",
                        new ClientCommand.ToDevice(
                                null,
                                "t1",
                                List.of(new ClientCommand.ToDeviceTarget("bob", "b1", "AAEC")))),
                Arguments.of(
                        "{\"type\":\"to_device_ack\",\"id\":\"x-1\"}",
                        new ClientCommand.ToDeviceAck(null, "x-1")));
    }

    @ParameterizedTest
    @MethodSource("everyClientFrame")
    void shouldParseEveryClientFrameOfTheProtocolAndAgreeWithTheSchema(
            String json, ClientCommand expected) throws Exception {
        FrameCodec.Parsed parsed = CODEC.parse(json);

        assertThat(parsed.error()).isNull();
        assertThat(parsed.command()).isEqualTo(expected);
        assertThat(CLIENT.validate(Json.MAPPER.readTree(json))).isEmpty();
    }

    static Stream<Arguments> badFrames() {
        return Stream.of(
                Arguments.of("{not json", "bad_request", "malformed JSON"),
                Arguments.of("[1,2]", "bad_request", "JSON object"),
                Arguments.of("{\"room_id\":\"r\"}", "bad_request", "missing field 'type'"),
                Arguments.of("{\"type\":\"dance\"}", "bad_request", "unknown type 'dance'"),
                Arguments.of("{\"type\":\"join\"}", "bad_request", "missing field 'room_id'"),
                Arguments.of("{\"type\":\"join\",\"room_id\":\"a/b\"}", "bad_request", "room_id"),
                Arguments.of(
                        "{\"type\":\"join\",\"room_id\":\"r\",\"since_seq\":\"5\"}",
                        "bad_request",
                        "since_seq"),
                Arguments.of(
                        "{\"type\":\"ack\",\"room_id\":\"r\",\"seq\":-1}", "bad_request", "seq"),
                Arguments.of(
                        "{\"type\":\"ack\",\"room_id\":\"r\",\"seq\":1.5}", "bad_request", "seq"),
                Arguments.of(
                        "{\"type\":\"send\",\"room_id\":\"r\",\"body\":\"x\"}",
                        "bad_request",
                        "client_msg_id"),
                Arguments.of(
                        "{\"type\":\"send\",\"room_id\":\"r\",\"client_msg_id\":\"\",\"body\":\"x\"}",
                        "bad_request",
                        "client_msg_id"),
                Arguments.of(
                        "{\"type\":\"send\",\"room_id\":\"r\",\"client_msg_id\":\"c\",\"body\":5}",
                        "bad_request",
                        "'body' must be a string"),
                Arguments.of(
                        "{\"type\":\"send\",\"room_id\":\"r\",\"client_msg_id\":\"c\",\"body\":\"x\",\"media_ids\":\"m\"}",
                        "bad_request",
                        "media_ids"),
                Arguments.of(
                        "{\"type\":\"typing\",\"room_id\":\"r\",\"active\":\"yes\"}",
                        "bad_request",
                        "boolean"),
                Arguments.of(
                        "{\"type\":\"presence\",\"status\":\"busy\"}", "bad_request", "status"),
                Arguments.of("{\"type\":\"resume\",\"rooms\":{}}", "bad_request", "rooms"),
                Arguments.of(
                        "{\"type\":\"ping\",\"ref\":" + "\"" + "x".repeat(65) + "\"}",
                        "bad_request",
                        "ref"),
                Arguments.of(
                        "{\"type\":\"send\",\"room_id\":\"r\",\"client_msg_id\":\"c\",\"body\":\""
                                + "x".repeat(16_385)
                                + "\"}",
                        "too_large",
                        "body"),
                Arguments.of(
                        "{\"type\":\"send\",\"room_id\":\"r\",\"client_msg_id\":\"c\",\"ciphertext\":\""
                                + "A".repeat(48 * 1024 + 4)
                                + "\"}",
                        "too_large",
                        "ciphertext"),
                Arguments.of(
                        "{\"type\":\"send\",\"room_id\":\"r\",\"client_msg_id\":\"c\",\"body\":\"x\","
                                + "\"ciphertext\":\"AAEC\"}",
                        "bad_request",
                        "either body or ciphertext"),
                Arguments.of(
                        "{\"type\":\"send\",\"room_id\":\"r\",\"client_msg_id\":\"c\","
                                + "\"ciphertext\":\"not base64!\"}",
                        "bad_request",
                        "base64"),
                Arguments.of(
                        "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}",
                        "too_large",
                        "frame"),
                Arguments.of(
                        "{\"type\":\"to_device\",\"client_msg_id\":\"t\",\"messages\":[]}",
                        "bad_request",
                        "messages"),
                Arguments.of(
                        "{\"type\":\"to_device\",\"client_msg_id\":\"t\",\"messages\":"
                                + "[{\"user_id\":\"bob\",\"ciphertext\":\"AAEC\"}]}",
                        "bad_request",
                        "device_id"),
                Arguments.of(
                        "{\"type\":\"to_device\",\"client_msg_id\":\"t\",\"messages\":"
                                + "[{\"user_id\":\"bob\",\"device_id\":\"b1\",\"ciphertext\":\"no!\"}]}",
                        "bad_request",
                        "base64"),
                Arguments.of(
                        "{\"type\":\"to_device\",\"client_msg_id\":\"t\",\"messages\":["
                                + String.join(
                                        ",",
                                        java.util.Collections.nCopies(
                                                101,
                                                "{\"user_id\":\"b\",\"device_id\":\"d\",\"ciphertext\":\"AA==\"}"))
                                + "]}",
                        "too_large",
                        "100 targets"),
                Arguments.of("{\"type\":\"to_device_ack\"}", "bad_request", "'id'"));
    }

    @ParameterizedTest
    @MethodSource("badFrames")
    void shouldRejectBadFramesWithAPreciseError(String json, String code, String messagePart) {
        FrameCodec.Parsed parsed = CODEC.parse(json);

        assertThat(parsed.command()).isNull();
        assertThat(parsed.error().code()).isEqualTo(code);
        assertThat(parsed.error().message()).contains(messagePart);
    }

    @Test
    void shouldEchoTheRefOfARejectedCommand() {
        FrameCodec.Parsed parsed = CODEC.parse("{\"type\":\"join\",\"ref\":\"42\"}");

        assertThat(parsed.error().ref()).isEqualTo("42");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"dance\"}",
                "{\"type\":\"join\"}",
                "{\"type\":\"ack\",\"room_id\":\"r\",\"seq\":-1}"
            })
    void shouldAgreeWithTheSchemaOnRejectedFrames(String json) throws Exception {
        assertThat(CLIENT.validate(Json.MAPPER.readTree(json))).isNotEmpty();
    }

    static Stream<ServerFrame> everyServerFrame() {
        SequencedMessage m =
                new SequencedMessage(
                        "r1",
                        3,
                        "m-3",
                        "alice",
                        "d1",
                        "gw1",
                        "c3",
                        "hello",
                        List.of(new MediaRef("md1", "image/png", 42)),
                        2L,
                        1000,
                        990,
                        995);
        return Stream.of(
                new ServerFrame.Joined("r1", 9, 4, "a"),
                ServerFrame.Message.of(m),
                new ServerFrame.Sent("r1", "c3", 3, "m-3", 1000, null),
                ServerFrame.Receipt.of(
                        new ReceiptUpdate("r1", 3, ReceiptStatus.READ, "bob", 1, 1, 2)),
                ServerFrame.Receipt.of(
                        new ReceiptUpdate("r1", 3, ReceiptStatus.DELIVERED, null, 5, 2, 9)),
                new ServerFrame.Typing("r1", "bob", true),
                new ServerFrame.Presence("bob", "offline", 1234L),
                new ServerFrame.Resumed("r1", 9, null),
                new ServerFrame.Pong("p"),
                new ServerFrame.Error("rate_limited", "slow down", "x", 250L),
                ServerFrame.Message.of(m)
                        .withState(
                                "edited",
                                1200L,
                                false,
                                List.of(new ServerFrame.Reaction("👍", List.of("bob")))),
                ServerFrame.Message.of(m).withState(null, null, true, null),
                ServerFrame.Event.of(
                        event(
                                RoomEvent.created(
                                        "group",
                                        "team",
                                        false,
                                        List.of(new RoomEvent.Member("alice", "admin")))),
                        new ServerFrame.EventRoom("group", "team", false, 1)),
                ServerFrame.Event.of(event(RoomEvent.memberAdded("bob", "member")), null),
                ServerFrame.Event.of(event(RoomEvent.reaction(3, "👍", true)), null),
                ServerFrame.Event.of(event(RoomEvent.edited(3, "x")), null),
                new ServerFrame.ToDeviceSent("t1", "r"),
                new ServerFrame.ToDevice("x-1", "alice", "a1", "AAEC"),
                new ServerFrame.ToDeviceDropped(3));
    }

    private static SequencedMessage event(RoomEvent e) {
        return new SequencedMessage(
                "r1", 4, "e-4", "alice", "d1", "gw1", "c4", null, null, null, 1000, 990, 995, e,
                null);
    }

    @ParameterizedTest
    @MethodSource("everyServerFrame")
    void shouldEncodeEveryServerFrameAsTheSchemaSays(ServerFrame frame) throws Exception {
        JsonNode encoded = Json.MAPPER.readTree(CODEC.encode(frame));

        assertThat(encoded.get("type").asText()).isEqualTo(frame.type());
        assertThat(SERVER.validate(encoded)).isEmpty();
    }

    @Test
    void shouldRoundTripAMessageFrameWithSnakeCaseFields() throws Exception {
        SequencedMessage m =
                new SequencedMessage(
                        "r1", 3, "m-3", "alice", "d1", "gw1", "c3", "hello", null, null, 1000, 1,
                        2);

        JsonNode encoded = Json.MAPPER.readTree(CODEC.encode(ServerFrame.Message.of(m)));

        assertThat(encoded.get("client_msg_id").asText()).isEqualTo("c3");
        assertThat(encoded.get("sender_id").asText()).isEqualTo("alice");
        assertThat(encoded.has("media")).isFalse();
        assertThat(Json.read(encoded.toString(), ServerFrame.Message.class))
                .isEqualTo(ServerFrame.Message.of(m));
    }

    @Test
    void shouldParseEditDeleteAndReactAndCheckTheEmojisSize() {
        assertThat(
                        CODEC.parse(
                                        "{\"type\":\"edit\",\"room_id\":\"r1\",\"client_msg_id\":\"c\","
                                                + "\"target_seq\":3,\"body\":\"new\"}")
                                .command())
                .isEqualTo(new ClientCommand.Edit(null, "r1", "c", 3, "new", false));
        assertThat(
                        CODEC.parse(
                                        "{\"type\":\"edit\",\"room_id\":\"r1\",\"client_msg_id\":\"c\","
                                                + "\"target_seq\":3,\"ciphertext\":\"AAEC\"}")
                                .command())
                .isEqualTo(new ClientCommand.Edit(null, "r1", "c", 3, "AAEC", true));
        assertThat(
                        CODEC.parse(
                                        "{\"type\":\"delete\",\"room_id\":\"r1\",\"client_msg_id\":\"c\","
                                                + "\"target_seq\":3}")
                                .command())
                .isEqualTo(new ClientCommand.Delete(null, "r1", "c", 3));
        assertThat(
                        CODEC.parse(
                                        "{\"type\":\"react\",\"room_id\":\"r1\",\"client_msg_id\":\"c\","
                                                + "\"target_seq\":3,\"emoji\":\"👍\",\"active\":false}")
                                .command())
                .isEqualTo(new ClientCommand.React(null, "r1", "c", 3, "👍", false));
        FrameCodec.Parsed tooLong =
                CODEC.parse(
                        "{\"type\":\"react\",\"room_id\":\"r1\",\"client_msg_id\":\"c\","
                                + "\"target_seq\":3,\"emoji\":\""
                                + "😀".repeat(9)
                                + "\",\"active\":true}");
        assertThat(tooLong.error().code()).isEqualTo("bad_request");
        assertThat(tooLong.malformed()).isTrue();
    }

    @Test
    void shouldTellAnUnknownTypeFromAMalformedFrame() {
        FrameCodec.Parsed unknown = CODEC.parse("{\"type\":\"dance\",\"ref\":\"r1\"}");
        FrameCodec.Parsed broken = CODEC.parse("{not json");
        FrameCodec.Parsed invalid = CODEC.parse("{\"type\":\"join\"}");

        assertThat(unknown.error().code()).isEqualTo("bad_request");
        assertThat(unknown.error().ref()).isEqualTo("r1");
        assertThat(unknown.malformed()).isFalse();
        assertThat(broken.malformed()).isTrue();
        assertThat(invalid.malformed()).isTrue();
    }
}

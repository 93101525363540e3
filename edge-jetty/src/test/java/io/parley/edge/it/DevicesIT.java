package io.parley.edge.it;

import static io.parley.edge.it.PresencePrivacyIT.presenceOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Several devices per user (PROTOCOL.md section 5), on two gateways of the real stack. */
class DevicesIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static EdgeStack stack;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
    }

    static List<JsonNode> devices(String token) throws Exception {
        ParleyHttp.Reply r = EdgeStack.get().apiA.call("GET", "/v1/devices", token, null);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.body().forEach(out::add);
        return out;
    }

    static JsonNode device(List<JsonNode> devices, String id) {
        return devices.stream()
                .filter(d -> id.equals(d.path("device_id").asText()))
                .findFirst()
                .orElse(null);
    }

    /**
     * A token issued after the device's sign-out: iat has second precision, so one of the same
     * second is refused; asks for new ones (each checked over HTTP) until one is accepted.
     */
    static String freshToken(String user, String device) throws Exception {
        String token =
                Polling.until(
                        WAIT,
                        () -> {
                            String t = stack.apiA.devToken(user, device);
                            return stack.apiA.call("GET", "/v1/devices", t, null).status() == 200
                                    ? t
                                    : null;
                        },
                        t -> t != null);
        assertThat(token).as("a token issued after the sign-out is accepted").isNotNull();
        return token;
    }

    @Test
    void shouldBindATokenToItsDevice() throws Exception {
        String alice = stack.user("bind_a");
        String phone = stack.apiA.devToken(alice, "phone");

        assertThatThrownBy(() -> stack.connect(stack.a, phone, "laptop"))
                .as("the query names another device than the token")
                .hasStackTraceContaining("401");
        URI noDevice = URI.create("ws://127.0.0.1:" + stack.a.httpPort() + "/v1/ws");
        try (WsClient c = WsClient.connect(stack.ws, noDevice, phone)) {
            c.send(Map.of("type", "ping", "ref", "p"));
            assertThat(c.awaitType("pong", WAIT)).isNotNull();
            JsonNode listed =
                    Polling.until(
                            WAIT,
                            () -> device(devices(phone), "phone"),
                            d -> d != null && d.path("connected").asBoolean());
            assertThat(listed).as("the token's device, connected").isNotNull();
            assertThat(listed.path("connected").asBoolean()).isTrue();
        }
        ParleyHttp.Reply other =
                stack.apiA.call(
                        "POST",
                        "/v1/devices",
                        phone,
                        Map.of("device_id", "laptop", "platform", "web", "push_token", "t"));
        assertThat(other.status()).as("a push token for another device").isEqualTo(403);
    }

    @Test
    void shouldSignADeviceOutOnEveryGatewayAndRefuseItsOlderTokens() throws Exception {
        String alice = stack.user("out_a");
        String phone = stack.apiA.devToken(alice, "phone");
        String laptop = stack.apiA.devToken(alice, "laptop");
        assertThat(
                        stack.apiA
                                .call(
                                        "POST",
                                        "/v1/devices",
                                        laptop,
                                        Map.of("platform", "web", "push_token", "laptop-token"))
                                .status())
                .isEqualTo(204);

        try (WsClient onA = stack.connect(stack.a, phone, "phone");
                WsClient onB = stack.connect(stack.b, laptop, "laptop")) {
            List<JsonNode> both =
                    Polling.until(
                            WAIT,
                            () -> devices(phone),
                            ds ->
                                    device(ds, "laptop") != null
                                            && device(ds, "laptop").path("push").asBoolean()
                                            && device(ds, "phone") != null);
            assertThat(device(both, "laptop").path("connected").asBoolean()).isTrue();
            assertThat(device(both, "laptop").path("platform").asText()).isEqualTo("web");
            assertThat(device(both, "phone").path("connected").asBoolean()).isTrue();

            ParleyHttp.Reply out = stack.apiA.call("DELETE", "/v1/devices/laptop", phone, null);
            assertThat(out.status()).isEqualTo(204);

            assertThat(onB.closed.get(20, TimeUnit.SECONDS))
                    .as("the laptop's connection on the other gateway")
                    .isEqualTo(4001);
            assertThat(onA.isOpen()).as("the phone stays").isTrue();
        }
        for (var edge : List.of(stack.a, stack.b)) {
            assertThatThrownBy(() -> stack.connect(edge, laptop, "laptop"))
                    .as("the laptop's old token, on each gateway")
                    .hasStackTraceContaining("401");
        }
        assertThat(stack.apiB.call("GET", "/v1/rooms", laptop, null).status()).isEqualTo(401);
        assertThat(device(devices(phone), "laptop")).as("no longer listed").isNull();
        assertThat(stack.apiA.call("DELETE", "/v1/devices/laptop", phone, null).status())
                .as("signing out a device that is not there")
                .isEqualTo(404);

        String again = freshToken(alice, "laptop");
        try (WsClient back = stack.connect(stack.b, again, "laptop")) {
            JsonNode relisted =
                    Polling.until(WAIT, () -> device(devices(phone), "laptop"), d -> d != null);
            assertThat(relisted).as("signed in again with a new token").isNotNull();
            assertThat(relisted.path("push").asBoolean())
                    .as("its push token went with the sign-out")
                    .isFalse();
            assertThat(back.isOpen()).isTrue();
        }
    }

    @Test
    void shouldTellTheUsersOtherDevicesTheirReadCursor() throws Exception {
        String alice = stack.user("rs_a");
        String bob = stack.user("rs_b");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String room = stack.apiA.createRoom(tb, "direct", List.of(alice));
        try (WsClient b = RealtimeIT.joined(stack.a, tb, "d", room)) {
            b.send(RealtimeIT.send(room, "m1", "one"));
            b.awaitType("sent", WAIT);
            b.send(RealtimeIT.send(room, "m2", "two"));
            assertThat(b.awaitType("sent", WAIT).path("seq").asLong()).isEqualTo(3);
        }
        try (WsClient phone = RealtimeIT.joined(stack.a, ta, "phone", room);
                WsClient laptop = stack.connect(stack.b, ta, "laptop")) {
            phone.send(Map.of("type", "read", "room_id", room, "seq", 3));

            JsonNode state = laptop.await(f -> "read_state".equals(f.path("type").asText()), WAIT);
            assertThat(state.path("room_id").asText()).isEqualTo(room);
            assertThat(state.path("read_seq").asLong())
                    .as("the laptop never joined the room")
                    .isEqualTo(3);

            phone.send(Map.of("type", "read", "room_id", room, "seq", 2));
            assertThat(laptop.drain("read_state", Duration.ofSeconds(3)))
                    .as("a lower read does not move the cursor")
                    .isEmpty();
        }
    }

    @Test
    void shouldCountDeliveredOnceAnyDeviceAcked() throws Exception {
        String alice = stack.user("ack_a");
        String bob = stack.user("ack_b");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String room = stack.apiA.createRoom(tb, "direct", List.of(alice));
        try (WsClient b = RealtimeIT.joined(stack.a, tb, "d", room);
                WsClient phone = RealtimeIT.joined(stack.a, ta, "phone", room);
                WsClient laptop = RealtimeIT.joined(stack.b, ta, "laptop", room)) {
            b.send(RealtimeIT.send(room, "m1", "one"));
            long seq = b.awaitType("sent", WAIT).path("seq").asLong();
            laptop.messages(room, 1, WAIT);
            laptop.send(Map.of("type", "ack", "room_id", room, "seq", seq));

            JsonNode receipt =
                    b.await(
                            f ->
                                    "receipt".equals(f.path("type").asText())
                                            && "delivered".equals(f.path("status").asText()),
                            WAIT);
            assertThat(receipt.path("seq").asLong()).isEqualTo(seq);
            assertThat(receipt.path("user_id").asText()).isEqualTo(alice);
            assertThat(phone.isOpen()).isTrue();
        }
    }

    @Test
    void shouldShowAUserOnlineWhileAnyDeviceIsAndAwayWhenAllAre() throws Exception {
        String alice = stack.user("agg_a");
        String bob = stack.user("agg_b");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String room = stack.apiA.createRoom(tb, "direct", List.of(alice));
        try (WsClient phone = stack.connect(stack.a, ta, "phone")) {
            // alice speaks: bob is her contact either way, and sees her presence
            phone.send(RealtimeIT.send(room, "hi", "hi"));
            phone.awaitType("sent", WAIT);
            try (WsClient b = stack.connect(stack.a, tb, "d");
                    WsClient laptop = stack.connect(stack.b, ta, "laptop")) {
                laptop.send(Map.of("type", "ping", "ref", "p"));
                laptop.awaitType("pong", WAIT);

                phone.send(Map.of("type", "presence", "status", "away"));
                assertThat(b.drain("presence", Duration.ofSeconds(2)))
                        .as("the laptop is still online")
                        .noneMatch(f -> presenceOf(f, alice, "away"));
                assertThat(status(alice, tb)).isEqualTo("online");

                laptop.send(Map.of("type", "presence", "status", "away"));
                b.await(f -> presenceOf(f, alice, "away"), WAIT);
                assertThat(status(alice, tb)).isEqualTo("away");

                laptop.send(Map.of("type", "presence", "status", "online"));
                b.await(f -> presenceOf(f, alice, "online"), WAIT);
            }
        }
    }

    static String status(String user, String token) throws Exception {
        return stack.apiA
                .call("GET", "/v1/users/" + user + "/presence", token, null)
                .body()
                .path("status")
                .asText();
    }
}

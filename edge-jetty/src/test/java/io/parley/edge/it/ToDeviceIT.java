package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Device-to-device messages (PROTOCOL.md section 6) on two gateways of the real stack: live, on the
 * next connection until acked, all-or-nothing targets, the 100-target and 1,000-waiting limits.
 */
class ToDeviceIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration QUIET = Duration.ofSeconds(2);
    static EdgeStack stack;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
    }

    /** A device that has keys in the directory (so it exists while not connected). */
    static String deviceWithKeys(String user, String device) throws Exception {
        String token = stack.apiA.devToken(user, device);
        assertThat(KeysIT.put(stack.apiA, token, KeysIT.upload("s1", List.of()))).isEqualTo(204);
        return token;
    }

    static Map<String, Object> target(String user, String device, String ciphertext) {
        return Map.of("user_id", user, "device_id", device, "ciphertext", ciphertext);
    }

    static Map<String, Object> frame(String cmid, List<Map<String, Object>> targets) {
        Map<String, Object> f = new HashMap<>();
        f.put("type", "to_device");
        f.put("ref", cmid);
        f.put("client_msg_id", cmid);
        f.put("messages", targets);
        return f;
    }

    static JsonNode sendAndAwait(WsClient ws, Map<String, Object> frame) throws Exception {
        ws.send(frame);
        return ws.await(
                f ->
                        frame.get("ref").equals(f.path("ref").asText())
                                && ("to_device_sent".equals(f.path("type").asText())
                                        || "error".equals(f.path("type").asText())),
                WAIT);
    }

    static boolean toDevice(JsonNode f) {
        return "to_device".equals(f.path("type").asText());
    }

    @Test
    void shouldDeliverLiveAndOnTheNextConnectionUntilAcked() throws Exception {
        String alice = stack.user("td_a");
        String bob = stack.user("td_b");
        String aliceToken = stack.apiA.devToken(alice, "a1");
        String laptop = stack.apiA.devToken(bob, "b1");
        String phone = deviceWithKeys(bob, "b2");
        try (WsClient a = stack.connect(stack.a, aliceToken, "a1");
                WsClient b1 = stack.connect(stack.b, laptop, "b1")) {
            b1.send(Map.of("type", "ping", "ref", "up"));
            b1.awaitType("pong", WAIT);
            Map<String, Object> f =
                    frame("c1", List.of(target(bob, "b1", "AAEC"), target(bob, "b2", "AwQF")));
            JsonNode sent = sendAndAwait(a, f);
            assertThat(sent.path("type").asText()).as(sent.toString()).isEqualTo("to_device_sent");
            assertThat(sent.path("client_msg_id").asText()).isEqualTo("c1");

            JsonNode live = b1.await(ToDeviceIT::toDevice, WAIT);
            assertThat(live.path("sender_id").asText()).isEqualTo(alice);
            assertThat(live.path("sender_device_id").asText()).isEqualTo("a1");
            assertThat(live.path("ciphertext").asText()).isEqualTo("AAEC");
            String liveId = live.path("id").asText();

            // the phone was not connected: it gets its message on each connection until it acks
            String firstId;
            try (WsClient b2 = stack.connect(stack.a, phone, "b2")) {
                JsonNode waiting = b2.await(ToDeviceIT::toDevice, WAIT);
                assertThat(waiting.path("ciphertext").asText()).isEqualTo("AwQF");
                assertThat(waiting.path("sender_id").asText()).isEqualTo(alice);
                firstId = waiting.path("id").asText();
                assertThat(firstId).isNotEqualTo(liveId);
            }
            try (WsClient b2 = stack.connect(stack.b, phone, "b2")) {
                JsonNode again = b2.await(ToDeviceIT::toDevice, WAIT);
                assertThat(again.path("id").asText()).as("the same id again").isEqualTo(firstId);
                b2.send(Map.of("type", "to_device_ack", "id", firstId));
                b2.send(Map.of("type", "ping", "ref", "p"));
                b2.awaitType("pong", WAIT);
            }
            String acked =
                    Polling.until(
                            WAIT,
                            () -> {
                                try (WsClient b2 = stack.connect(stack.a, phone, "b2")) {
                                    return b2.drain("to_device", QUIET).isEmpty() ? "gone" : null;
                                }
                            },
                            v -> v != null);
            assertThat(acked).as("an acked message does not come again").isEqualTo("gone");

            // the same frame again (a retry): answered, nothing delivered twice
            JsonNode retried = sendAndAwait(a, f);
            assertThat(retried.path("type").asText()).isEqualTo("to_device_sent");
            try (WsClient b2 = stack.connect(stack.a, phone, "b2")) {
                assertThat(b2.drain("to_device", QUIET)).isEmpty();
            }
            assertThat(b1.drain("to_device", QUIET))
                    .as("the laptop, which did not ack, is not sent the retry live")
                    .isEmpty();
        }
    }

    @Test
    void shouldRefuseTheWholeFrameWhenATargetDoesNotExistAndCheckTheLimits() throws Exception {
        String alice = stack.user("td_c");
        String bob = stack.user("td_d");
        String nobody = stack.user("td_nobody");
        String laptop = stack.apiA.devToken(bob, "b1");
        try (WsClient a = stack.connect(stack.a, stack.apiA.devToken(alice, "a1"), "a1");
                WsClient b1 = stack.connect(stack.b, laptop, "b1")) {
            b1.send(Map.of("type", "ping", "ref", "up"));
            b1.awaitType("pong", WAIT);
            JsonNode missing =
                    sendAndAwait(
                            a,
                            frame(
                                    "c2",
                                    List.of(
                                            target(bob, "b1", "AAEC"),
                                            target(bob, "no-such-device", "AAEC"))));
            assertThat(missing.path("code").asText()).isEqualTo("not_found");
            assertThat(missing.path("message").asText()).contains("no-such-device");
            JsonNode noUser = sendAndAwait(a, frame("c3", List.of(target(nobody, "d", "AAEC"))));
            assertThat(noUser.path("code").asText()).isEqualTo("not_found");

            List<Map<String, Object>> many = new ArrayList<>();
            for (int i = 0; i < 101; i++) {
                many.add(target(bob, "b1", "AAEC"));
            }
            assertThat(sendAndAwait(a, frame("c4", many)).path("code").asText())
                    .isEqualTo("too_large");
            String big = "A".repeat(48 * 1024 + 4);
            assertThat(
                            sendAndAwait(a, frame("c5", List.of(target(bob, "b1", big))))
                                    .path("code")
                                    .asText())
                    .isEqualTo("too_large");
            assertThat(b1.drain("to_device", QUIET)).as("nothing of a refused frame").isEmpty();
            assertThat(a.isOpen()).isTrue();
        }
    }

    @Test
    void shouldKeepAThousandWaitingAndTellTheDeviceHowManyWereDropped() throws Exception {
        String alice = stack.user("td_e");
        String bob = stack.user("td_f");
        String tablet = deviceWithKeys(bob, "b3");
        try (WsClient a = stack.connect(stack.a, stack.apiA.devToken(alice, "a1"), "a1");
                WsClient b4 = stack.connect(stack.b, stack.apiA.devToken(bob, "b4"), "b4")) {
            b4.send(Map.of("type", "ping", "ref", "up"));
            b4.awaitType("pong", WAIT);
            int n = 0;
            for (int frame = 0; frame < 11; frame++) {
                List<Map<String, Object>> targets = new ArrayList<>();
                for (int i = 0; i < 100 && n < 1_005; i++, n++) {
                    targets.add(target(bob, "b3", "AAAA" + String.format("%04d", n)));
                }
                JsonNode sent = sendAndAwait(a, frame("m" + frame, targets));
                assertThat(sent.path("type").asText())
                        .as(sent.toString())
                        .isEqualTo("to_device_sent");
            }
            // a fence: bob's signals are routed in order, so once b4 has this one live, no live
            // delivery of the 1,005 (each signalled when added) can reach b3 when it connects
            sendAndAwait(a, frame("fence", List.of(target(bob, "b4", "ZmVuY2U="))));
            b4.await(f -> toDevice(f) && "ZmVuY2U=".equals(f.path("ciphertext").asText()), WAIT);
        }
        try (WsClient b3 = stack.connect(stack.b, tablet, "b3")) {
            JsonNode dropped = b3.awaitType("to_device_dropped", WAIT);
            assertThat(dropped.path("count").asLong()).isEqualTo(5);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                texts.add(b3.await(ToDeviceIT::toDevice, WAIT).path("ciphertext").asText());
            }
            assertThat(texts.get(0)).as("the oldest five were dropped").isEqualTo("AAAA0005");
            assertThat(texts.get(999)).isEqualTo("AAAA1004");
            assertThat(texts).doesNotHaveDuplicates();
        }
        try (WsClient b3 = stack.connect(stack.a, tablet, "b3")) {
            b3.await(ToDeviceIT::toDevice, WAIT);
            assertThat(b3.drain("to_device_dropped", QUIET))
                    .as("the dropped count is told once")
                    .isEmpty();
        }
    }
}

package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad frames, foreign rooms and bad tokens get their PROTOCOL.md errors; connections survive. */
class BadInputIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static EdgeStack stack;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
    }

    @Test
    void shouldAnswerEveryBadFrameWithItsErrorAndKeepTheConnectionUsable() throws Exception {
        String token = stack.apiA.devToken(stack.user("bad"));
        String outsider = stack.apiA.devToken(stack.user("outsider"));
        String room = stack.apiA.createRoom(outsider, "group", List.of());
        try (WsClient c = stack.connect(stack.a, token, "d")) {
            Map<String, String> cases =
                    Map.of(
                            "{oops",
                            "bad_request",
                            "{\"type\":\"teleport\",\"ref\":\"t\"}",
                            "bad_request",
                            "{\"type\":\"send\",\"room_id\":\"r\",\"ref\":\"t\"}",
                            "bad_request",
                            "{\"type\":\"send\",\"room_id\":\"r\",\"client_msg_id\":\"c\",\"body\":\""
                                    + "x".repeat(20_000)
                                    + "\"}",
                            "too_large",
                            "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(100_000) + "\"}",
                            "too_large",
                            "{\"type\":\"join\",\"room_id\":\"" + room + "\"}",
                            "forbidden",
                            "{\"type\":\"send\",\"room_id\":\""
                                    + room
                                    + "\",\"client_msg_id\":\"c\",\"body\":\"x\"}",
                            "forbidden");
            for (Map.Entry<String, String> e : cases.entrySet()) {
                c.send(e.getKey());
                JsonNode error = c.awaitType("error", WAIT);
                assertThat(error.path("code").asText()).as(e.getKey()).isEqualTo(e.getValue());
            }
            c.send("{\"type\":\"ping\",\"ref\":\"still-here\"}");
            JsonNode pong = c.awaitType("pong", WAIT);

            assertThat(pong.path("ref").asText()).isEqualTo("still-here");
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void shouldDisconnectAClientThatFloodsMalformedFrames() throws Exception {
        String token = stack.apiA.devToken(stack.user("garbage"));
        try (WsClient c = stack.connect(stack.a, token, "d")) {
            for (int i = 0; i < 40 && c.isOpen(); i++) {
                c.send("not json " + i);
            }
            assertThat(c.closed.get(20, java.util.concurrent.TimeUnit.SECONDS)).isIn(1008, 1006);
        }
    }

    @Test
    void shouldAnswerUnknownFrameTypesWithErrorsCountedAgainstTheBudgetAndStayConnected()
            throws Exception {
        String token = stack.apiA.devToken(stack.user("newer"));
        try (WsClient c = stack.connect(stack.a, token, "d")) {
            // a newer client's frame types, well past the malformed-frame limit (20 in 10 s)
            for (int i = 0; i < 40; i++) {
                c.send("{\"type\":\"hologram\",\"ref\":\"h" + i + "\"}");
            }
            c.send("{\"type\":\"ping\",\"ref\":\"after\"}");
            JsonNode pong = c.awaitType("pong", WAIT);
            List<JsonNode> errors = c.drain("error", Duration.ofMillis(300));

            assertThat(pong.path("ref").asText()).isEqualTo("after");
            assertThat(errors).hasSize(40);
            // the refusal budget (burst 20) answers the first with their error, then rate_limited
            assertThat(errors.subList(0, 20))
                    .allMatch(e -> "bad_request".equals(e.path("code").asText()));
            assertThat(errors)
                    .filteredOn(e -> "rate_limited".equals(e.path("code").asText()))
                    .hasSizeGreaterThan(10)
                    .allMatch(e -> e.path("retry_after_ms").asLong() > 0)
                    .allMatch(e -> e.path("ref").asText().startsWith("h"));
            assertThat(c.isOpen()).isTrue();
        }
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRefuseTheUpgradeWith401ForMissingExpiredTamperedOrUnsignedTokens() throws Exception {
        String good = stack.apiA.devToken(stack.user("tok"));
        String[] parts = good.split("\\.");
        String tampered =
                parts[0] + "." + b64("{\"sub\":\"root\",\"exp\":99999999999}") + "." + parts[2];
        String none =
                b64("{\"alg\":\"none\",\"typ\":\"JWT\"}")
                        + "."
                        + b64("{\"sub\":\"root\",\"exp\":99999999999}")
                        + ".";
        String expired =
                new io.parley.edge.auth.TokenService(
                                "integration-test-secret-0123456789abcdef",
                                "",
                                java.time.Clock.offset(
                                        java.time.Clock.systemUTC(), Duration.ofDays(-1)))
                        .issue(stack.user("tok"), 60);

        for (String token : new String[] {null, "garbage", tampered, none, expired}) {
            assertThatThrownBy(() -> stack.connect(stack.a, token, "d"))
                    .as(String.valueOf(token))
                    .hasStackTraceContaining("401");
        }
        ParleyHttp.Reply http = stack.apiA.call("GET", "/v1/rooms", tampered, null);
        assertThat(http.status()).isEqualTo(401);
        assertThat(http.body().path("code").asText()).isEqualTo("unauthorized");
        assertThat(http.raw().headers().firstValue("WWW-Authenticate")).contains("Bearer");
    }

    @Test
    void shouldKeepRoomsPrivateOverHttp() throws Exception {
        String owner = stack.apiA.devToken(stack.user("owner"));
        String stranger = stack.apiA.devToken(stack.user("stranger"));
        String room = stack.apiA.createRoom(owner, "group", List.of());

        assertThat(stack.apiA.call("GET", "/v1/history?room_id=" + room, stranger, null).status())
                .isEqualTo(403);
        assertThat(
                        stack.apiA
                                .call(
                                        "POST",
                                        "/v1/rooms/" + room + "/members",
                                        stranger,
                                        Map.of("user_id", "x"))
                                .status())
                .isEqualTo(403);
        assertThat(stack.apiA.call("POST", "/v1/rooms", owner, "{nope").status()).isEqualTo(400);
        assertThat(
                        stack.apiA
                                .call(
                                        "POST",
                                        "/v1/rooms",
                                        owner,
                                        Map.of("kind", "direct", "members", List.of()))
                                .body()
                                .path("code")
                                .asText())
                .isEqualTo("bad_request");
    }
}

package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
import io.parley.edge.EdgeConfig;
import io.parley.edge.store.Backends;
import io.parley.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Offline push end to end: FanOut -> events/push -> the push job (capping, firebase-admin) -> the
 * local FCM-compatible receiver that the Flink local cluster runs on 127.0.0.1:8090 (its {@code GET
 * /requests} needs the local token, {@link LocalFlinkToken}).
 */
class PushIT {
    static final String RECEIVER = "http://127.0.0.1:8090/requests";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static EdgeStack stack;
    static Backends backends;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
        EdgeConfig config = EdgeStack.config(Map.of());
        backends = Backends.connect(config);
    }

    @AfterAll
    static void close() {
        backends.close();
    }

    static List<JsonNode> pushesTo(String token) throws Exception {
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(RECEIVER))
                                .header("Authorization", LocalFlinkToken.authorization())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode request : Json.MAPPER.readTree(r.body())) {
            if (token.equals(request.path("message").path("token").asText())) {
                out.add(request);
            }
        }
        return out;
    }

    @Test
    void shouldPushOnceForABurstToAnOfflineMemberAndNeverToAnOnlineOne() throws Exception {
        String alice = stack.user("push_a");
        String bob = stack.user("push_b");
        String carol = stack.user("push_c");
        String dave = stack.user("push_d");
        String ta = stack.apiA.devToken(alice);
        String bobToken = "tok-bob-" + stack.runId;
        String carolToken = "tok-carol-" + stack.runId;
        String daveToken = "invalid-dave-" + stack.runId;
        register(stack.apiA.devToken(bob), "phone", bobToken);
        String tc = stack.apiA.devToken(carol);
        register(tc, "phone", carolToken);
        register(stack.apiA.devToken(dave), "phone", daveToken);
        String room = stack.apiA.createRoom(ta, "group", List.of(bob, carol, dave));

        try (WsClient a = RealtimeIT.joined(stack.a, ta, "d", room);
                WsClient c = RealtimeIT.joined(stack.b, tc, "phone", room)) {
            for (int i = 0; i < 5; i++) {
                a.send(RealtimeIT.send(room, "p" + i, "burst " + i));
            }
            c.messages(room, 5, Duration.ofSeconds(20));

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (pushesTo(bobToken).isEmpty() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(250_000_000L);
            }
            // the other four of the burst would have arrived by now if the cap let them through
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                LockSupport.parkNanos(250_000_000L);
            }
            List<JsonNode> toBob = pushesTo(bobToken);

            assertThat(toBob).hasSize(1);
            JsonNode message = toBob.get(0).path("message");
            assertThat(message.path("data").path("room_id").asText()).isEqualTo(room);
            assertThat(message.path("data").path("sender_id").asText()).isEqualTo(alice);
            assertThat(message.path("android").path("collapse_key").asText()).isEqualTo(room);
            assertThat(pushesTo(carolToken)).isEmpty();
            assertThat(pushesTo(daveToken)).isEmpty();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        boolean removed = false;
        while (!removed && System.nanoTime() < deadline) {
            removed =
                    backends.cql
                                    .execute(
                                            "SELECT push_token FROM parley.devices WHERE user_id = ?",
                                            dave)
                                    .one()
                            == null;
            LockSupport.parkNanos(250_000_000L);
        }
        assertThat(removed).as("the invalid token of dave is removed").isTrue();
        assertThat(
                        backends.cql
                                .execute(
                                        "SELECT push_token FROM parley.devices WHERE user_id = ?",
                                        bob)
                                .one())
                .isNotNull();
    }

    private static void register(String token, String device, String pushToken) throws Exception {
        ParleyHttp.Reply r =
                stack.apiA.call(
                        "POST",
                        "/v1/devices",
                        token,
                        Map.of(
                                "device_id",
                                device,
                                "platform",
                                "android",
                                "push_token",
                                pushToken));
        assertThat(r.status()).isEqualTo(204);
    }
}

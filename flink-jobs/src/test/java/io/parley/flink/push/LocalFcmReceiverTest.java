package io.parley.flink.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.flink.LocalToken;
import io.parley.schemas.Json;
import io.parley.schemas.events.PushRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The local receiver, fed by the real firebase-admin client ({@link FcmPusher}). */
class LocalFcmReceiverTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final LocalToken token = LocalToken.generate();

    @Test
    void shouldKeepOnlyTheNewestRequestsUpToItsCapacity() throws Exception {
        try (LocalFcmReceiver fcm = LocalFcmReceiver.start("127.0.0.1", 0, token, 3)) {
            FcmPusher pusher = new FcmPusher("p", endpoint(fcm), token.value());

            for (int i = 1; i <= 5; i++) {
                assertThat(pusher.send(push(i), "tok-" + i)).isEqualTo(FcmPusher.Outcome.SENT);
            }

            assertThat(tokens(requests(fcm, "Bearer " + token.value())))
                    .containsExactly("tok-3", "tok-4", "tok-5");
        }
    }

    @Test
    void shouldKeepAThousandByDefault() {
        assertThat(LocalFcmReceiver.DEFAULT_CAPACITY).isEqualTo(1_000);
    }

    @Test
    void shouldRefuseSendsWithoutTheLocalToken() throws Exception {
        try (LocalFcmReceiver fcm = LocalFcmReceiver.start("127.0.0.1", 0, token)) {
            FcmPusher stranger = new FcmPusher("p", endpoint(fcm), LocalToken.generate().value());

            assertThat(stranger.send(push(1), "tok-1")).isEqualTo(FcmPusher.Outcome.FAILED);
            assertThat(tokens(requests(fcm, "Bearer " + token.value()))).isEmpty();
        }
    }

    @Test
    void shouldShowTheRequestsOnlyToTheTokensHolder() throws Exception {
        try (LocalFcmReceiver fcm = LocalFcmReceiver.start("127.0.0.1", 0, token)) {
            new FcmPusher("p", endpoint(fcm), token.value()).send(push(1), "tok-1");

            HttpResponse<String> none = requests(fcm, null);
            HttpResponse<String> wrong = requests(fcm, "Bearer " + LocalToken.generate().value());
            HttpResponse<String> delete =
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(endpoint(fcm) + "/requests"))
                                    .DELETE()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.body()).doesNotContain("tok-1");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(delete.statusCode()).isEqualTo(401);
            assertThat(tokens(requests(fcm, "Bearer " + token.value()))).containsExactly("tok-1");
        }
    }

    private static PushRequest push(int seq) {
        return new PushRequest("room-1", seq, "m" + seq, "alice", "bob", "hello " + seq, seq);
    }

    private static String endpoint(LocalFcmReceiver fcm) {
        return "http://127.0.0.1:" + fcm.port();
    }

    private static HttpResponse<String> requests(LocalFcmReceiver fcm, String authorization)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(endpoint(fcm) + "/requests"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> tokens(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> tokens = new ArrayList<>();
        for (JsonNode request : Json.MAPPER.readTree(response.body())) {
            tokens.add(request.path("message").path("token").asText());
        }
        return tokens;
    }
}

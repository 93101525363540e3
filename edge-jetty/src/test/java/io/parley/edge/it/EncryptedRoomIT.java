package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
import io.parley.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End-to-end encrypted rooms on the server side (PROTOCOL.md section 6): only ciphertext in, the
 * same bytes out live and from history, edits too, never a plaintext body, never indexed.
 */
class EncryptedRoomIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration SEARCH_WAIT = Duration.ofSeconds(60);
    static EdgeStack stack;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
    }

    static String ciphertext() {
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static String createRoom(String token, String peer, boolean encrypted) throws Exception {
        ParleyHttp.Reply r =
                stack.apiA.call(
                        "POST",
                        "/v1/rooms",
                        token,
                        Map.of("kind", "direct", "members", List.of(peer), "encrypted", encrypted));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
        return r.body().path("room_id").asText();
    }

    static Map<String, Object> cipherSend(String room, String cmid, String ciphertext) {
        return Map.of(
                "type", "send", "room_id", room, "client_msg_id", cmid, "ciphertext", ciphertext);
    }

    static JsonNode errorFor(WsClient c, String ref) throws InterruptedException {
        return c.await(
                f -> "error".equals(f.path("type").asText()) && ref.equals(f.path("ref").asText()),
                WAIT);
    }

    @Test
    void shouldTakeOnlyCiphertextInAnEncryptedRoomAndHandItOnUnchanged() throws Exception {
        String alice = stack.user("e2e_a");
        String bob = stack.user("e2e_b");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String room = createRoom(ta, bob, true);
        String first = ciphertext();
        String edited = ciphertext();
        long seq;
        try (WsClient a = RealtimeIT.joined(stack.a, ta, "d", room);
                WsClient b = RealtimeIT.joined(stack.b, tb, "d", room)) {
            a.send(
                    Map.of(
                            "type", "send",
                            "room_id", room,
                            "client_msg_id", "plain",
                            "body", "the plaintext secret",
                            "ref", "p"));
            JsonNode refused = errorFor(a, "p");
            assertThat(refused.path("code").asText()).isEqualTo("bad_request");
            assertThat(refused.path("message").asText()).contains("encrypted");
            Map<String, Object> big =
                    new java.util.HashMap<>(cipherSend(room, "big", "A".repeat(48 * 1024 + 4)));
            big.put("ref", "big");
            a.send(big);
            assertThat(errorFor(a, "big").path("code").asText())
                    .as("a ciphertext over 48 Ki chars")
                    .isEqualTo("too_large");

            a.send(cipherSend(room, "c1", first));
            seq = a.awaitType("sent", WAIT).path("seq").asLong();
            assertThat(seq).as("the refused plaintext took no seq").isEqualTo(2);
            JsonNode got = b.messages(room, 1, WAIT).get(0);
            assertThat(got.path("ciphertext").asText()).isEqualTo(first);
            assertThat(got.has("body")).as("no body beside the ciphertext").isFalse();

            a.send(
                    Map.of(
                            "type", "edit",
                            "room_id", room,
                            "client_msg_id", "e1",
                            "target_seq", seq,
                            "ciphertext", edited));
            JsonNode edit =
                    b.await(
                            f ->
                                    "event".equals(f.path("type").asText())
                                            && "message_edited".equals(f.path("kind").asText()),
                            WAIT);
            assertThat(edit.path("ciphertext").asText()).isEqualTo(edited);
            assertThat(edit.has("body")).isFalse();
        }

        JsonNode shown =
                Polling.until(
                        WAIT,
                        () -> messageInHistory(room, seq, ta),
                        m -> m != null && edited.equals(m.path("ciphertext").asText()));
        assertThat(shown).as("history shows the edited ciphertext").isNotNull();
        assertThat(shown.path("ciphertext").asText()).isEqualTo(edited);
        assertThat(shown.has("body")).isFalse();
        assertThat(shown.path("edited_ts").asLong()).isPositive();

        // a plain room's message sent after them is searchable: the search job has passed them
        // (a direct room is one per pair: the plain one is with someone else)
        String plainRoom = createRoom(ta, stack.user("e2e_c"), false);
        String word = "barrier" + stack.runId;
        try (WsClient a = RealtimeIT.joined(stack.a, ta, "d", plainRoom)) {
            a.send(RealtimeIT.send(plainRoom, "b1", word));
            a.awaitType("sent", WAIT);
            a.send(cipherSend(plainRoom, "c2", ciphertext()) /* no ref */);
            JsonNode refused = a.awaitType("error", WAIT);
            assertThat(refused.path("code").asText())
                    .as("ciphertext in a plain room")
                    .isEqualTo("bad_request");
        }
        JsonNode hits =
                Polling.until(
                        SEARCH_WAIT,
                        () ->
                                stack.apiA
                                        .call("GET", "/v1/search?q=" + word, ta, null)
                                        .body()
                                        .path("hits"),
                        h -> h.size() > 0);
        assertThat(hits.size()).as("the barrier message is indexed").isPositive();
        assertThat(documentsOfRoom(room)).as("documents of the encrypted room").isZero();
    }

    static JsonNode messageInHistory(String room, long seq, String token) throws Exception {
        ParleyHttp.Reply r =
                stack.apiA.call("GET", "/v1/history?room_id=" + room + "&limit=50", token, null);
        for (JsonNode m : r.body().path("messages")) {
            if (m.path("seq").asLong() == seq) {
                return m;
            }
        }
        return null;
    }

    /** Straight from Elasticsearch: how many documents the index holds for a room. */
    static long documentsOfRoom(String room) throws Exception {
        String query = Json.write(Map.of("query", Map.of("term", Map.of("room_id", room))));
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:9200/messages/_count"))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(query))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body()).path("count").asLong();
    }
}

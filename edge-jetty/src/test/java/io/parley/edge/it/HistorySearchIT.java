package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Messages sent over WebSocket become history and search hits (through the Flink jobs). */
class HistorySearchIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static EdgeStack stack;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
    }

    /** Polls until the reply satisfies the condition or the deadline passes. */
    static ParleyHttp.Reply poll(
            Supplier<ParleyHttp.Reply> call, java.util.function.Predicate<ParleyHttp.Reply> done)
            throws Exception {
        return Polling.until(WAIT, call::get, done);
    }

    static Supplier<ParleyHttp.Reply> get(String path, String token) {
        return () -> {
            try {
                return stack.apiA.call("GET", path, token, null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Test
    void shouldPageHistoryNewestFirstAndFindMessagesOnlyForMembers() throws Exception {
        String alice = stack.user("hist_a");
        String ta = stack.apiA.devToken(alice);
        String stranger = stack.apiA.devToken(stack.user("hist_x"));
        String room = stack.apiA.createRoom(ta, "group", List.of(stack.user("hist_b")));
        String word = "zebra" + stack.runId;
        try (WsClient a = RealtimeIT.joined(stack.a, ta, "d", room)) {
            for (int i = 1; i <= 60; i++) {
                a.send(
                        RealtimeIT.send(
                                room,
                                "h" + i,
                                (i == 42 ? word + " crossing" : "message") + " " + i));
                a.awaitType("sent", WAIT);
            }
        }
        ParleyHttp.Reply page1 =
                poll(
                        get("/v1/history?room_id=" + room + "&limit=50", ta),
                        r ->
                                r.status() == 200
                                        && r.body().path("messages").size() == 50
                                        && r.body().path("messages").get(0).path("seq").asLong()
                                                == 61);
        // seq 1 is room_created: the 60 messages are seqs 2..61
        JsonNode messages = page1.body().path("messages");
        assertThat(messages.get(0).path("seq").asLong()).isEqualTo(61);
        assertThat(messages.get(49).path("seq").asLong()).isEqualTo(12);
        long next = page1.body().path("next_before_seq").asLong();
        assertThat(next).isEqualTo(12);
        ParleyHttp.Reply page2 =
                stack.apiA.call(
                        "GET", "/v1/history?room_id=" + room + "&before_seq=" + next, ta, null);
        assertThat(page2.body().path("messages")).hasSize(10);
        assertThat(page2.body().path("messages").get(9).path("seq").asLong()).isEqualTo(2);
        assertThat(page2.body().path("events").get(0).path("kind").asText())
                .isEqualTo("room_created");
        assertThat(page2.body().has("next_before_seq")).isFalse();

        ParleyHttp.Reply hits =
                poll(
                        get("/v1/search?q=" + word, ta),
                        r -> r.status() == 200 && r.body().path("hits").size() == 1);
        JsonNode hit = hits.body().path("hits").get(0);
        assertThat(hit.path("seq").asLong()).isEqualTo(43);
        assertThat(hit.path("room_id").asText()).isEqualTo(room);
        assertThat(hit.path("highlight").asText()).contains("<em>" + word + "</em>");

        assertThat(stack.apiA.call("GET", "/v1/history?room_id=" + room, stranger, null).status())
                .isEqualTo(403);
        assertThat(
                        stack.apiA
                                .call("GET", "/v1/search?q=" + word, stranger, null)
                                .body()
                                .path("hits"))
                .isEmpty();
        assertThat(
                        stack.apiA
                                .call(
                                        "GET",
                                        "/v1/search?q=" + word + "&room_id=" + room,
                                        stranger,
                                        null)
                                .status())
                .isEqualTo(403);
    }

    @Test
    void shouldShowUnreadCountsFromTheReadCursor() throws Exception {
        String alice = stack.user("unread_a");
        String bob = stack.user("unread_b");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String room = stack.apiA.createRoom(ta, "direct", List.of(bob));
        // alice sends without joining the room (sending needs membership only): her ticks reach
        // her all the same
        try (WsClient a = stack.connect(stack.a, ta, "d");
                WsClient b = RealtimeIT.joined(stack.b, tb, "d", room)) {
            for (int i = 1; i <= 5; i++) {
                a.send(RealtimeIT.send(room, "u" + i, "m" + i));
            }
            // seq 1 is room_created: the messages are 2..6
            b.messages(room, 5, WAIT);
            b.send(Map.of("type", "ack", "room_id", room, "seq", 6));
            b.send(Map.of("type", "read", "room_id", room, "seq", 4));
            JsonNode delivered =
                    a.await(
                            f ->
                                    "receipt".equals(f.path("type").asText())
                                            && "delivered".equals(f.path("status").asText())
                                            && f.path("seq").asLong() == 6,
                            WAIT);
            JsonNode read =
                    a.await(
                            f ->
                                    "receipt".equals(f.path("type").asText())
                                            && "read".equals(f.path("status").asText())
                                            && f.path("seq").asLong() == 4,
                            WAIT);
            assertThat(delivered.path("user_id").asText()).isEqualTo(bob);
            assertThat(read.path("user_id").asText()).isEqualTo(bob);
        }
        ParleyHttp.Reply rooms =
                poll(
                        get("/v1/rooms", tb),
                        r -> {
                            for (JsonNode n : r.body()) {
                                if (n.path("room_id").asText().equals(room)) {
                                    // unread counts from the persisted messages, which may lag
                                    // the read cursor (seen on a fresh clone: 0 for a moment)
                                    return n.path("read_seq").asLong() == 4
                                            && n.path("unread").asLong() == 2;
                                }
                            }
                            return false;
                        });
        for (JsonNode n : rooms.body()) {
            if (n.path("room_id").asText().equals(room)) {
                assertThat(n.path("last_seq").asLong()).isEqualTo(6);
                assertThat(n.path("unread").asLong()).isEqualTo(2);
            }
        }
    }
}

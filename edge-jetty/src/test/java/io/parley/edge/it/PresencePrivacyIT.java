package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
import io.parley.edge.session.PresenceService;
import io.parley.edge.session.SessionRegistry;
import io.parley.edge.store.Backends;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Presence from connections, the presence endpoint, and privacy settings honoured by both. */
class PresencePrivacyIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static EdgeStack stack;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
    }

    static boolean presenceOf(JsonNode f, String user, String status) {
        return "presence".equals(f.path("type").asText())
                && user.equals(f.path("user_id").asText())
                && status.equals(f.path("status").asText());
    }

    @Test
    void shouldTellRoomPeersOfPresenceChangesAndAnswerThePresenceEndpoint() throws Exception {
        String alice = stack.user("pres_a");
        String bob = stack.user("pres_b");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String room = stack.apiA.createRoom(tb, "direct", List.of(alice));
        try (WsClient b = RealtimeIT.joined(stack.b, tb, "d", room)) {
            try (WsClient a = stack.connect(stack.a, ta, "phone")) {
                b.await(f -> presenceOf(f, alice, "online"), WAIT);
                assertThat(
                                stack.apiA
                                        .call("GET", "/v1/users/" + alice + "/presence", tb, null)
                                        .body()
                                        .path("status")
                                        .asText())
                        .isEqualTo("online");
                a.send(Map.of("type", "presence", "status", "away"));
                b.await(f -> presenceOf(f, alice, "away"), WAIT);
            }
            JsonNode offline = b.await(f -> presenceOf(f, alice, "offline"), WAIT);
            JsonNode viaHttp =
                    stack.apiA.call("GET", "/v1/users/" + alice + "/presence", tb, null).body();

            assertThat(offline.path("last_seen").asLong()).isPositive();
            assertThat(viaHttp.path("status").asText()).isEqualTo("offline");
            assertThat(viaHttp.path("last_seen").asLong()).isPositive();
        }
    }

    @Test
    void shouldTellRoomPeersOfflineWhenAUsersGatewayDiedWithoutClosingItsSockets()
            throws Exception {
        String alice = stack.user("gone_a");
        String bob = stack.user("gone_b");
        String tb = stack.apiA.devToken(bob);
        String room = stack.apiA.createRoom(tb, "direct", List.of(alice));
        try (WsClient b = RealtimeIT.joined(stack.b, tb, "d", room);
                Backends backends = Backends.connect(EdgeStack.config(Map.of()))) {
            // what a gateway leaves behind when it dies: alice's presence, expiring in 1.5 s,
            // and nobody left to close her socket and say she went offline
            long now = System.currentTimeMillis();
            SessionRegistry dead = new SessionRegistry(backends.redis, "gw-dead", 1_500);
            dead.register(alice, "d", PresenceService.ONLINE, now);
            new PresenceService(backends.redis, dead, 1_500, signal -> {})
                    .devicesChanged(alice, now);

            JsonNode offline = b.await(f -> presenceOf(f, alice, "offline"), WAIT);

            assertThat(offline.path("last_seen").asLong()).isPositive();
            assertThat(b.drain("presence", Duration.ofSeconds(2)))
                    .as("announced by one gateway only")
                    .noneMatch(f -> presenceOf(f, alice, "offline"));
        }
    }

    /** Polls the presence endpoint until the user shows online, or returns the last answer. */
    static JsonNode presenceOnceOnline(String user, String token) throws Exception {
        return Polling.until(
                WAIT,
                () -> stack.apiA.call("GET", "/v1/users/" + user + "/presence", token, null).body(),
                body -> "online".equals(body.path("status").asText()));
    }

    @Test
    void shouldHideOnlineStatusAndLastSeenAsTheUserChose() throws Exception {
        String alice = stack.user("priv_a");
        String bob = stack.user("priv_b");
        String stranger = stack.apiA.devToken(stack.user("priv_x"));
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String room = stack.apiA.createRoom(tb, "direct", List.of(alice));
        // alice speaks in the room: that makes bob her contact (sharing a room alone does not)
        try (WsClient a = stack.connect(stack.a, ta, "phone")) {
            a.send(RealtimeIT.send(room, "hi", "hi bob"));
            a.awaitType("sent", WAIT);
        }
        ParleyHttp.Reply set =
                stack.apiA.call(
                        "PUT",
                        "/v1/users/me/privacy",
                        ta,
                        Map.of("online_visibility", "contacts", "last_seen_visibility", "nobody"));
        assertThat(set.status()).isEqualTo(200);
        try (WsClient a = stack.connect(stack.a, ta, "phone")) {
            // the client sees the upgrade complete before the server has registered the device
            JsonNode toContact = presenceOnceOnline(alice, tb);
            JsonNode toStranger =
                    stack.apiA
                            .call("GET", "/v1/users/" + alice + "/presence", stranger, null)
                            .body();

            assertThat(toContact.path("status").asText()).isEqualTo("online");
            assertThat(toContact.has("last_seen")).isFalse();
            assertThat(toStranger.path("hidden").asBoolean()).isTrue();
            assertThat(toStranger.has("last_seen")).isFalse();
        }

        stack.apiA.call("PUT", "/v1/users/me/privacy", ta, Map.of("online_visibility", "nobody"));
        try (WsClient b = RealtimeIT.joined(stack.b, tb, "d", room)) {
            try (WsClient a = stack.connect(stack.a, ta, "laptop")) {
                a.send("{\"type\":\"presence\",\"status\":\"away\"}");
                a.send("{\"type\":\"ping\",\"ref\":\"p\"}");
                a.awaitType("pong", WAIT);
            }
            // bob hears nothing of alice (a presence of his own peers would be allowed)
            List<JsonNode> seen = b.drain("presence", Duration.ofSeconds(3));
            assertThat(seen).noneMatch(f -> alice.equals(f.path("user_id").asText()));
            assertThat(
                            stack.apiA
                                    .call("GET", "/v1/users/" + alice + "/presence", tb, null)
                                    .body()
                                    .path("hidden")
                                    .asBoolean())
                    .isTrue();
        }
    }

    @Test
    void shouldNotShowReadTicksOfAUserWhoTurnedThemOff() throws Exception {
        String alice = stack.user("rr_a");
        String bob = stack.user("rr_b");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String room = stack.apiA.createRoom(ta, "direct", List.of(bob));
        stack.apiA.call("PUT", "/v1/users/me/privacy", tb, Map.of("read_receipts", false));
        try (WsClient a = RealtimeIT.joined(stack.a, ta, "d", room);
                WsClient b = RealtimeIT.joined(stack.b, tb, "d", room)) {
            a.send(RealtimeIT.send(room, "r1", "did you read this?"));
            long seq = b.messages(room, 1, WAIT).get(0).path("seq").asLong();
            b.send(Map.of("type", "read", "room_id", room, "seq", seq));
            b.send(Map.of("type", "ack", "room_id", room, "seq", seq));

            JsonNode delivered =
                    a.await(
                            f ->
                                    "receipt".equals(f.path("type").asText())
                                            && "delivered".equals(f.path("status").asText()),
                            WAIT);
            List<JsonNode> receipts = a.drain("receipt", Duration.ofSeconds(3));

            assertThat(delivered.path("user_id").asText()).isEqualTo(bob);
            assertThat(receipts).noneMatch(f -> "read".equals(f.path("status").asText()));
        }
    }

    /** The caller's read cursor in a room, from {@code GET /v1/rooms}; -1 if not listed. */
    static long readSeqOf(String token, String room) throws Exception {
        for (JsonNode n : stack.apiA.call("GET", "/v1/rooms", token, null).body()) {
            if (n.path("room_id").asText().equals(room)) {
                return n.path("read_seq").asLong();
            }
        }
        return -1;
    }

    @Test
    void shouldLeaveAMemberWhoTurnedReadReceiptsOffOutOfGroupReadCounts() throws Exception {
        String alice = stack.user("grr_a");
        String bob = stack.user("grr_b");
        String carol = stack.user("grr_c");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String tc = stack.apiA.devToken(carol);
        String room = stack.apiA.createRoom(ta, "group", List.of(bob, carol));
        stack.apiA.call("PUT", "/v1/users/me/privacy", tc, Map.of("read_receipts", false));
        try (WsClient a = RealtimeIT.joined(stack.a, ta, "d", room);
                WsClient b = RealtimeIT.joined(stack.b, tb, "d", room);
                WsClient c = RealtimeIT.joined(stack.a, tc, "d", room)) {
            a.send(RealtimeIT.send(room, "g1", "who read this?"));
            long seq = b.messages(room, 1, WAIT).get(0).path("seq").asLong();
            c.messages(room, 1, WAIT);
            c.send(Map.of("type", "read", "room_id", room, "seq", seq));
            // carol's read moves her own cursor (her unread count) before bob reads
            assertThat(Polling.until(WAIT, () -> readSeqOf(tc, room), read -> read == seq))
                    .isEqualTo(seq);
            b.send(Map.of("type", "read", "room_id", room, "seq", seq));

            JsonNode read =
                    a.await(
                            f ->
                                    "receipt".equals(f.path("type").asText())
                                            && "read".equals(f.path("status").asText()),
                            WAIT);
            List<JsonNode> later = a.drain("receipt", Duration.ofSeconds(3));

            assertThat(read.path("read_count").asLong()).isEqualTo(1);
            assertThat(later)
                    .filteredOn(f -> "read".equals(f.path("status").asText()))
                    .allSatisfy(f -> assertThat(f.path("read_count").asLong()).isEqualTo(1));
            assertThat(c.drain("receipt", Duration.ofMillis(500)))
                    .noneMatch(f -> "read".equals(f.path("status").asText()));
        }
    }
}

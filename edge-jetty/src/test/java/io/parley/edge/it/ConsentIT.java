package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Consent counts: a user's contacts are those who share a room with them in which they have sent a
 * message, and {@code group_adds} decides who may put them in a group (PROTOCOL.md sections 3-4).
 */
class ConsentIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static EdgeStack stack;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
    }

    private static ParleyHttp.Reply privacy(String token, Map<String, Object> settings)
            throws Exception {
        ParleyHttp.Reply r = stack.apiA.call("PUT", "/v1/users/me/privacy", token, settings);
        assertThat(r.status()).isEqualTo(200);
        return r;
    }

    private static ParleyHttp.Reply createGroup(String token, String... members) throws Exception {
        return stack.apiB.call(
                "POST", "/v1/rooms", token, Map.of("kind", "group", "members", List.of(members)));
    }

    @Test
    void shouldNotMakeAStrangerAContactByPuttingTheVictimInARoom() throws Exception {
        String victim = stack.user("cons_v");
        String tv = stack.apiA.devToken(victim);
        String ts = stack.apiA.devToken(stack.user("cons_s"));
        privacy(tv, Map.of("online_visibility", "contacts"));
        String trap = createGroup(ts, victim).body().path("room_id").asText();
        assertThat(trap).isNotEmpty();

        try (WsClient v = stack.connect(stack.a, tv, "phone")) {
            JsonNode self = PresencePrivacyIT.presenceOnceOnline(victim, tv);
            assertThat(self.path("status").asText()).isEqualTo("online");
            JsonNode toStranger =
                    stack.apiA.call("GET", "/v1/users/" + victim + "/presence", ts, null).body();
            assertThat(toStranger.path("hidden").asBoolean()).isTrue();

            // once the victim speaks in that room, its members are contacts
            v.send(RealtimeIT.send(trap, "ok", "fine, hello"));
            v.awaitType("sent", WAIT);
            JsonNode nowContact = PresencePrivacyIT.presenceOnceOnline(victim, ts);
            assertThat(nowContact.path("status").asText()).isEqualTo("online");
        }
    }

    @Test
    void shouldHonourGroupAddsOnCreateAndOnAdd() throws Exception {
        String closed = stack.user("cons_n");
        String picky = stack.user("cons_p");
        String friend = stack.user("cons_f");
        String tn = stack.apiA.devToken(closed);
        String tp = stack.apiA.devToken(picky);
        String tf = stack.apiA.devToken(friend);
        String tx = stack.apiA.devToken(stack.user("cons_x"));
        privacy(tn, Map.of("group_adds", "nobody"));
        privacy(tp, Map.of("group_adds", "contacts"));
        assertThat(
                        stack.apiA
                                .call("GET", "/v1/users/me/privacy", tp, null)
                                .body()
                                .path("group_adds")
                                .asText())
                .isEqualTo("contacts");

        ParleyHttp.Reply refused = createGroup(tf, closed);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().path("message").asText()).contains(closed);
        assertThat(createGroup(tx, picky).status()).isEqualTo(403);

        // picky speaks in a direct room with friend: friend may now add picky to groups
        String direct = stack.apiA.createRoom(tp, "direct", List.of(friend));
        try (WsClient p = stack.connect(stack.a, tp, "d")) {
            p.send(RealtimeIT.send(direct, "hey", "hey friend"));
            p.awaitType("sent", WAIT);
        }
        ParleyHttp.Reply group = createGroup(tf);
        assertThat(group.status()).isEqualTo(201);
        String room = group.body().path("room_id").asText();
        assertThat(stack.apiA.addMember(tf, room, picky, null)).isGreaterThan(1);
        assertThat(
                        stack.apiA
                                .call(
                                        "POST",
                                        "/v1/rooms/" + room + "/members",
                                        tf,
                                        Map.of("user_id", closed))
                                .status())
                .isEqualTo(403);
        assertThat(
                        stack.apiA
                                .call(
                                        "PUT",
                                        "/v1/users/me/privacy",
                                        tn,
                                        Map.of("group_adds", "some"))
                                .status())
                .isEqualTo(400);
    }
}

package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The room log of PROTOCOL.md section 4 end to end: every rule over HTTP and WebSocket, decided by
 * the Sequencer against the room's state, answered once the live path knows it, and visible at once
 * on the other gateway.
 */
class RoomLogIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static EdgeStack stack;
    static ExecutorService pool;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
        pool = Executors.newFixedThreadPool(24);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    private static ParleyHttp.Reply poll(
            java.util.function.Supplier<ParleyHttp.Reply> call,
            java.util.function.Predicate<ParleyHttp.Reply> done)
            throws Exception {
        return Polling.until(WAIT, call::get, done);
    }

    private static java.util.function.Supplier<ParleyHttp.Reply> get(String path, String token) {
        return () -> {
            try {
                return stack.apiA.call("GET", path, token, null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static ParleyHttp.Reply call(
            ParleyHttp api, String method, String path, String token, Object body)
            throws Exception {
        return api.call(method, path, token, body);
    }

    private static String tokenOf(String user) throws Exception {
        return stack.apiA.devToken(user);
    }

    /** A group created by {@code admin} with the members; returns its id. */
    private static String group(String adminToken, String... members) throws Exception {
        ParleyHttp.Reply r =
                call(
                        stack.apiA,
                        "POST",
                        "/v1/rooms",
                        adminToken,
                        Map.of("kind", "group", "name", "team", "members", List.of(members)));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        assertThat(r.body().path("seq").asLong()).isEqualTo(1);
        return r.body().path("room_id").asText();
    }

    private static JsonNode event(WsClient c, String room, String kind) throws Exception {
        return c.await(
                f ->
                        "event".equals(f.path("type").asText())
                                && room.equals(f.path("room_id").asText())
                                && kind.equals(f.path("kind").asText()),
                WAIT);
    }

    private static JsonNode reply(WsClient c, String ref) throws Exception {
        return c.await(f -> ref.equals(f.path("ref").asText()), WAIT);
    }

    @Test
    void shouldStartEveryRoomWithRoomCreatedAtSeqOneListingMembersAndRoles() throws Exception {
        String alice = stack.user("log_a");
        String bob = stack.user("log_b");
        String ta = tokenOf(alice);
        String room = group(ta, bob);

        try (WsClient a = stack.connect(stack.b, ta, "d")) {
            a.send(Map.of("type", "join", "room_id", room, "since_seq", 0));
            JsonNode created = event(a, room, "room_created");
            assertThat(created.path("seq").asLong()).isEqualTo(1);
            assertThat(created.path("actor_id").asText()).isEqualTo(alice);
            assertThat(created.path("room_kind").asText()).isEqualTo("group");
            assertThat(created.path("members").toString())
                    .contains("{\"user_id\":\"" + alice + "\",\"role\":\"admin\"}")
                    .contains("{\"user_id\":\"" + bob + "\",\"role\":\"member\"}");
        }
        JsonNode detail = call(stack.apiB, "GET", "/v1/rooms/" + room, ta, null).body();
        assertThat(detail.path("last_seq").asLong()).isEqualTo(1);
        JsonNode history =
                poll(
                                get("/v1/history?room_id=" + room, ta),
                                r -> r.body().path("events").size() == 1)
                        .body();
        assertThat(history.path("events").get(0).path("kind").asText()).isEqualTo("room_created");
        assertThat(history.path("messages")).isEmpty();
    }

    @Test
    void shouldLetOnlyAdminsAddAndAnswerAnExistingMemberWithTheSeqOfTheirAdd() throws Exception {
        String alice = stack.user("add_a");
        String bob = stack.user("add_b");
        String carol = stack.user("add_c");
        String ta = tokenOf(alice);
        String tb = tokenOf(bob);
        String room = group(ta, bob);

        ParleyHttp.Reply byMember =
                call(
                        stack.apiA,
                        "POST",
                        "/v1/rooms/" + room + "/members",
                        tb,
                        Map.of("user_id", carol));
        assertThat(byMember.status()).isEqualTo(403);
        assertThat(byMember.body().path("code").asText()).isEqualTo("forbidden");

        long seq = stack.apiA.addMember(ta, room, carol, null);
        assertThat(seq).isEqualTo(2);
        assertThat(stack.apiB.addMember(ta, room, carol, null)).isEqualTo(seq);

        // read your writes on the other gateway: carol joins and sends at once
        String tc = tokenOf(carol);
        try (WsClient c = RealtimeIT.joined(stack.b, tc, "d", room)) {
            c.send(RealtimeIT.send(room, "hello", "hi from carol"));
            assertThat(c.awaitType("sent", WAIT).path("seq").asLong()).isEqualTo(3);
        }
    }

    @Test
    void shouldBeIdempotentOnTheCallsClientMsgId() throws Exception {
        String alice = stack.user("idem_a");
        String ta = tokenOf(alice);
        String room = group(ta, stack.user("idem_b"));
        Map<String, Object> body =
                Map.of("user_id", stack.user("idem_c"), "client_msg_id", "add-once");

        ParleyHttp.Reply first =
                call(stack.apiA, "POST", "/v1/rooms/" + room + "/members", ta, body);
        ParleyHttp.Reply retry =
                call(stack.apiB, "POST", "/v1/rooms/" + room + "/members", ta, body);

        assertThat(first.status()).isEqualTo(200);
        assertThat(retry.body().path("seq").asLong()).isEqualTo(first.body().path("seq").asLong());
        Map<String, Object> create =
                Map.of(
                        "kind",
                        "group",
                        "members",
                        List.of(stack.user("idem_b")),
                        "client_msg_id",
                        "create-once");
        ParleyHttp.Reply g1 = call(stack.apiA, "POST", "/v1/rooms", ta, create);
        ParleyHttp.Reply g2 = call(stack.apiB, "POST", "/v1/rooms", ta, create);
        assertThat(g2.body().path("room_id").asText())
                .isEqualTo(g1.body().path("room_id").asText());
        assertThat(
                        call(
                                        stack.apiA,
                                        "GET",
                                        "/v1/rooms/" + g1.body().path("room_id").asText(),
                                        ta,
                                        null)
                                .body()
                                .path("last_seq")
                                .asLong())
                .isEqualTo(1);
    }

    @Test
    void shouldShowAnAddedUserTheRoomLiveWithoutJoiningIt() throws Exception {
        String alice = stack.user("live_a");
        String carol = stack.user("live_c");
        String ta = tokenOf(alice);
        String room = group(ta, stack.user("live_b"));
        try (WsClient c = stack.connect(stack.b, tokenOf(carol), "d")) {
            stack.apiA.addMember(ta, room, carol, null);

            JsonNode added = event(c, room, "member_added");
            assertThat(added.path("user_id").asText()).isEqualTo(carol);
            assertThat(added.path("room").path("kind").asText()).isEqualTo("group");
            assertThat(added.path("room").path("name").asText()).isEqualTo("team");
            assertThat(added.path("room").path("last_seq").asLong()).isEqualTo(2);
        }
        try (WsClient b = stack.connect(stack.b, tokenOf(stack.user("live_d")), "d")) {
            String created = group(ta, stack.user("live_d"));
            JsonNode e = event(b, created, "room_created");
            assertThat(e.path("room").path("name").asText()).isEqualTo("team");
        }
    }

    @Test
    void shouldEndARemovedMembersStreamAtTheirOwnRemovalAndForbidEverythingAfter()
            throws Exception {
        String alice = stack.user("rm_a");
        String bob = stack.user("rm_b");
        String ta = tokenOf(alice);
        String tb = tokenOf(bob);
        String room = group(ta, bob);
        try (WsClient a = RealtimeIT.joined(stack.a, ta, "d", room);
                WsClient b = RealtimeIT.joined(stack.b, tb, "d", room)) {
            ParleyHttp.Reply byBob =
                    call(stack.apiB, "DELETE", "/v1/rooms/" + room + "/members/" + alice, tb, null);
            assertThat(byBob.status()).isEqualTo(403);

            long seq = stack.apiA.removeMember(ta, room, bob);

            JsonNode removed = event(b, room, "member_removed");
            assertThat(removed.path("seq").asLong()).isEqualTo(seq);
            assertThat(removed.path("user_id").asText()).isEqualTo(bob);
            a.send(RealtimeIT.send(room, "after", "not for bob"));
            a.awaitType("sent", WAIT);
            b.send(RealtimeIT.send(room, "b-after", "bob is out"));
            assertThat(b.awaitType("error", WAIT).path("code").asText()).isEqualTo("forbidden");
            assertThat(b.drain("message", Duration.ofSeconds(1))).isEmpty();
            b.send(Map.of("type", "join", "room_id", room, "ref", "j"));
            assertThat(reply(b, "j").path("code").asText()).isEqualTo("forbidden");
            // a former member's replay runs up to and including their removal, then forbidden
            try (WsClient again = stack.connect(stack.a, tb, "d2")) {
                again.send(Map.of("type", "join", "room_id", room, "since_seq", 0, "ref", "j2"));
                assertThat(reply(again, "j2").path("code").asText()).isEqualTo("forbidden");
                List<JsonNode> replayed = again.drain("event", Duration.ofMillis(200));
                assertThat(replayed)
                        .extracting(f -> f.path("seq").asLong())
                        .containsExactly(1L, seq);
                assertThat(again.drain("message", Duration.ofMillis(200))).isEmpty();
            }
        }
        assertThat(call(stack.apiB, "GET", "/v1/history?room_id=" + room, tb, null).status())
                .isEqualTo(403);
        assertThat(
                        call(
                                        stack.apiA,
                                        "DELETE",
                                        "/v1/rooms/" + room + "/members/" + bob,
                                        ta,
                                        null)
                                .status())
                .isEqualTo(404);
    }

    @Test
    void shouldPromoteTheEarliestMemberWhenTheLastAdminLeavesAndRefuseDemotingTheLastAdmin()
            throws Exception {
        String alice = stack.user("heir_a");
        String bob = stack.user("heir_b");
        String carol = stack.user("heir_c");
        String ta = tokenOf(alice);
        String room = group(ta, bob);
        stack.apiA.addMember(ta, room, carol, null);

        ParleyHttp.Reply demote =
                call(
                        stack.apiA,
                        "PUT",
                        "/v1/rooms/" + room + "/members/" + alice,
                        ta,
                        Map.of("role", "member"));
        assertThat(demote.status()).isEqualTo(400);

        try (WsClient b = RealtimeIT.joined(stack.b, tokenOf(bob), "d", room)) {
            long left = stack.apiA.removeMember(ta, room, alice);
            JsonNode promoted = event(b, room, "role_changed");
            assertThat(promoted.path("seq").asLong()).isEqualTo(left + 1);
            assertThat(promoted.path("actor_id").asText()).isEqualTo("parley");
            assertThat(promoted.path("user_id").asText()).isEqualTo(bob);
            assertThat(promoted.path("role").asText()).isEqualTo("admin");
        }
        String tb = tokenOf(bob);
        String tc = tokenOf(carol);
        ParleyHttp.Reply byMember =
                call(
                        stack.apiB,
                        "PUT",
                        "/v1/rooms/" + room + "/members/" + carol,
                        tc,
                        Map.of("role", "admin"));
        assertThat(byMember.status()).isEqualTo(403);
        assertThat(stack.apiB.changeRole(tb, room, carol, "admin")).isGreaterThan(0);
        // the last two members leave: the room is closed, nothing more is appended
        stack.apiB.removeMember(tb, room, bob);
        stack.apiB.removeMember(tc, room, carol);
        assertThat(
                        call(stack.apiA, "PATCH", "/v1/rooms/" + room, tc, Map.of("name", "ghost"))
                                .status())
                .isEqualTo(403);
        // the room is empty, not a cold cache: no refill from a projection that still lists her
        try (WsClient c = stack.connect(stack.a, tc, "d")) {
            c.send(Map.of("type", "join", "room_id", room, "ref", "j"));
            assertThat(c.awaitType("error", WAIT).path("code").asText()).isEqualTo("forbidden");
        }
    }

    @Test
    void shouldKeepADirectRoomAtExactlyTwoMembers() throws Exception {
        String alice = stack.user("dm_a");
        String bob = stack.user("dm_b");
        String ta = tokenOf(alice);
        String tb = tokenOf(bob);
        ParleyHttp.Reply created =
                call(
                        stack.apiA,
                        "POST",
                        "/v1/rooms",
                        ta,
                        Map.of("kind", "direct", "members", List.of(bob)));
        assertThat(created.status()).isEqualTo(201);
        String room = created.body().path("room_id").asText();

        ParleyHttp.Reply again =
                call(
                        stack.apiB,
                        "POST",
                        "/v1/rooms",
                        tb,
                        Map.of("kind", "direct", "members", List.of(alice)));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("room_id").asText()).isEqualTo(room);
        assertThat(again.body().path("seq").asLong()).isEqualTo(1);
        assertThat(
                        call(
                                        stack.apiA,
                                        "POST",
                                        "/v1/rooms/" + room + "/members",
                                        ta,
                                        Map.of("user_id", stack.user("dm_c")))
                                .status())
                .isEqualTo(400);
        assertThat(
                        call(
                                        stack.apiA,
                                        "DELETE",
                                        "/v1/rooms/" + room + "/members/" + alice,
                                        ta,
                                        null)
                                .status())
                .isEqualTo(400);
        assertThat(
                        call(
                                        stack.apiA,
                                        "POST",
                                        "/v1/rooms",
                                        ta,
                                        Map.of(
                                                "kind",
                                                "direct",
                                                "members",
                                                List.of(bob, stack.user("dm_c"))))
                                .status())
                .isEqualTo(400);
    }

    @Test
    void shouldLetOnlyAdminsRenameAndShowTheNewNameEverywhere() throws Exception {
        String alice = stack.user("ren_a");
        String bob = stack.user("ren_b");
        String ta = tokenOf(alice);
        String tb = tokenOf(bob);
        String room = group(ta, bob);
        assertThat(
                        call(stack.apiA, "PATCH", "/v1/rooms/" + room, tb, Map.of("name", "mine"))
                                .status())
                .isEqualTo(403);
        assertThat(
                        call(
                                        stack.apiA,
                                        "PATCH",
                                        "/v1/rooms/" + room,
                                        ta,
                                        Map.of("name", "x".repeat(101)))
                                .status())
                .isEqualTo(400);

        try (WsClient b = stack.connect(stack.b, tb, "d")) {
            stack.apiA.rename(ta, room, "renamed");
            assertThat(event(b, room, "room_renamed").path("name").asText()).isEqualTo("renamed");
        }
        JsonNode rooms = call(stack.apiB, "GET", "/v1/rooms", tb, null).body();
        boolean found = false;
        for (JsonNode r : rooms) {
            if (r.path("room_id").asText().equals(room)) {
                found = true;
                assertThat(r.path("name").asText()).isEqualTo("renamed");
                assertThat(r.path("role").asText()).isEqualTo("member");
                // two events and no message: nothing unread (events never count)
                assertThat(r.path("last_seq").asLong()).isEqualTo(2);
                assertThat(r.path("unread").asLong()).isZero();
            }
        }
        assertThat(found).isTrue();
    }

    @Test
    void shouldEditDeleteAndReactByTheRulesAndShowCurrentStateInHistoryAndSearch()
            throws Exception {
        String alice = stack.user("edit_a");
        String bob = stack.user("edit_b");
        String ta = tokenOf(alice);
        String tb = tokenOf(bob);
        String room = group(ta, bob);
        String word = "quokka" + stack.runId;
        try (WsClient a = RealtimeIT.joined(stack.a, ta, "d", room);
                WsClient b = RealtimeIT.joined(stack.b, tb, "d", room)) {
            b.send(RealtimeIT.send(room, "m1", "first draft"));
            long bobs = b.awaitType("sent", WAIT).path("seq").asLong();
            b.send(RealtimeIT.send(room, "m2", "to be deleted " + word));
            long doomed = b.awaitType("sent", WAIT).path("seq").asLong();

            a.send(frame("edit", room, "e1", bobs, Map.of("body", "not yours"), "r1"));
            assertThat(reply(a, "r1").path("code").asText()).isEqualTo("forbidden");
            b.send(frame("edit", room, "e2", 1, Map.of("body", "an event"), "r2"));
            assertThat(reply(b, "r2").path("code").asText()).isEqualTo("not_found");
            a.send(
                    frame(
                            "react",
                            room,
                            "x1",
                            bobs,
                            Map.of("emoji", "x".repeat(33), "active", true),
                            "r3"));
            assertThat(reply(a, "r3").path("code").asText()).isEqualTo("bad_request");

            b.send(frame("edit", room, "e3", bobs, Map.of("body", "final " + word), "r4"));
            JsonNode edited = reply(b, "r4");
            assertThat(edited.path("type").asText()).isEqualTo("sent");
            assertThat(event(a, room, "message_edited").path("body").asText())
                    .isEqualTo("final " + word);
            a.send(frame("react", room, "x2", bobs, Map.of("emoji", "👍", "active", true), "r5"));
            assertThat(reply(a, "r5").path("type").asText()).isEqualTo("sent");
            assertThat(event(b, room, "reaction").path("emoji").asText()).isEqualTo("👍");
            String carol = stack.user("edit_c");
            stack.apiA.addMember(ta, room, carol, null);
            try (WsClient c = RealtimeIT.joined(stack.b, tokenOf(carol), "d", room)) {
                c.send(frame("delete", room, "c1", doomed, Map.of(), "rc"));
                assertThat(reply(c, "rc").path("code").asText()).isEqualTo("forbidden");
            }
            a.send(frame("delete", room, "d1", doomed, Map.of(), "r6"));
            assertThat(reply(a, "r6").path("type").asText()).isEqualTo("sent");
            b.send(frame("edit", room, "e4", doomed, Map.of("body", "too late"), "r7"));
            assertThat(reply(b, "r7").path("code").asText()).isEqualTo("not_found");
            // the connection is still usable after every refusal
            a.send(RealtimeIT.send(room, "m3", "still here"));
            assertThat(a.awaitType("sent", WAIT).path("type").asText()).isEqualTo("sent");
        }
        ParleyHttp.Reply page =
                poll(
                        get("/v1/history?room_id=" + room, ta),
                        r -> {
                            for (JsonNode m : r.body().path("messages")) {
                                if (m.path("deleted").asBoolean()) {
                                    return true;
                                }
                            }
                            return false;
                        });
        Map<Long, JsonNode> bySeq = new HashMap<>();
        page.body().path("messages").forEach(m -> bySeq.put(m.path("seq").asLong(), m));
        JsonNode first =
                bySeq.values().stream()
                        .filter(m -> m.path("client_msg_id").asText().equals("m1"))
                        .findFirst()
                        .orElseThrow();
        assertThat(first.path("body").asText()).isEqualTo("final " + word);
        assertThat(first.has("edited_ts")).isTrue();
        assertThat(first.path("reactions").toString()).contains("👍").contains(alice);
        JsonNode gone =
                bySeq.values().stream()
                        .filter(m -> m.path("client_msg_id").asText().equals("m2"))
                        .findFirst()
                        .orElseThrow();
        assertThat(gone.path("deleted").asBoolean()).isTrue();
        assertThat(gone.has("body")).isFalse();

        JsonNode hits =
                poll(
                                get("/v1/search?q=" + word, ta),
                                r ->
                                        r.body().path("hits").size() == 1
                                                && r.body()
                                                        .path("hits")
                                                        .get(0)
                                                        .path("body")
                                                        .asText()
                                                        .startsWith("final"))
                        .body()
                        .path("hits");
        // bob's first message is seq 2, right after room_created; the deleted one is not found
        assertThat(hits.get(0).path("seq").asLong()).isEqualTo(first.path("seq").asLong());
        assertThat(hits.get(0).path("body").asText()).isEqualTo("final " + word);
    }

    private static Map<String, Object> frame(
            String type,
            String room,
            String cmid,
            long target,
            Map<String, Object> extra,
            String ref) {
        Map<String, Object> f = new HashMap<>(extra);
        f.put("type", type);
        f.put("room_id", room);
        f.put("client_msg_id", cmid);
        f.put("target_seq", target);
        f.put("ref", ref);
        return f;
    }

    @Test
    void shouldLetExactlyOneOfTwoAdminsRemovingEachOtherAtOnceOnTwoGatewaysSucceed()
            throws Exception {
        for (int round = 0; round < 3; round++) {
            String alice = stack.user("duel_a" + round);
            String bob = stack.user("duel_b" + round);
            String ta = tokenOf(alice);
            String tb = tokenOf(bob);
            String room = group(ta, bob, stack.user("duel_c" + round));
            stack.apiA.changeRole(ta, room, bob, "admin");

            Future<ParleyHttp.Reply> aRemovesB =
                    pool.submit(
                            () ->
                                    call(
                                            stack.apiA,
                                            "DELETE",
                                            "/v1/rooms/" + room + "/members/" + bob,
                                            ta,
                                            null));
            Future<ParleyHttp.Reply> bRemovesA =
                    pool.submit(
                            () ->
                                    call(
                                            stack.apiB,
                                            "DELETE",
                                            "/v1/rooms/" + room + "/members/" + alice,
                                            tb,
                                            null));

            List<Integer> statuses = List.of(aRemovesB.get().status(), bRemovesA.get().status());
            assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(200, 403);
            JsonNode members =
                    call(
                                    stack.apiA,
                                    "GET",
                                    "/v1/rooms/" + room,
                                    aRemovesB.get().status() == 200 ? ta : tb,
                                    null)
                            .body();
            assertThat(members.path("last_seq").asLong()).isEqualTo(3);
        }
    }

    @Test
    void shouldCreateAGroupOfExactly500AndLandExactlyTheAllowedNumberOfRacingAdds()
            throws Exception {
        String alice = stack.user("cap_a");
        String ta = tokenOf(alice);
        List<String> others = new ArrayList<>();
        for (int i = 1; i < 490; i++) {
            others.add(stack.user("cap" + i));
        }
        String room = group(ta, others.toArray(String[]::new));
        List<Callable<ParleyHttp.Reply>> adds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String user = stack.user("late" + i);
            ParleyHttp api = i % 2 == 0 ? stack.apiA : stack.apiB;
            adds.add(
                    () ->
                            call(
                                    api,
                                    "POST",
                                    "/v1/rooms/" + room + "/members",
                                    ta,
                                    Map.of("user_id", user)));
        }

        int ok = 0;
        int full = 0;
        for (Future<ParleyHttp.Reply> f : pool.invokeAll(adds)) {
            ParleyHttp.Reply r = f.get();
            if (r.status() == 200) {
                ok++;
            } else if (r.status() == 400) {
                full++;
            }
        }

        assertThat(ok).isEqualTo(10);
        assertThat(full).isEqualTo(10);
        List<String> fullHouse = new ArrayList<>();
        for (int i = 0; i < 499; i++) {
            fullHouse.add(stack.user("big" + i));
        }
        ParleyHttp.Reply big =
                call(
                        stack.apiA,
                        "POST",
                        "/v1/rooms",
                        ta,
                        Map.of("kind", "group", "members", fullHouse));
        assertThat(big.status()).as(big.raw().body()).isEqualTo(201);
        fullHouse.add(stack.user("big_over"));
        assertThat(
                        call(
                                        stack.apiA,
                                        "POST",
                                        "/v1/rooms",
                                        ta,
                                        Map.of("kind", "group", "members", fullHouse))
                                .status())
                .isEqualTo(400);
    }
}

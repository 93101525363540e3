package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
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
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Every store is a projection of the logs (bar the rows the Flink jobs' own ITs write from their
 * test topics, whose ids start with {@value #FLINK_IT_MARK}: left out): record every Cassandra
 * projection table, the search index and the live path's Redis keys; truncate and delete them all;
 * replay the projection jobs from earliest; the stores come back identical. Prints how long the
 * rebuild took for how many log entries.
 */
class RebuildIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration SETTLE_WAIT = Duration.ofSeconds(90);
    static final Duration REBUILD_WAIT = Duration.ofMinutes(4);
    static final List<String> TABLES =
            List.of(
                    "rooms",
                    "room_members",
                    "user_rooms",
                    "messages_by_room",
                    "room_cursors",
                    "user_settings",
                    "devices",
                    "user_devices",
                    "media");
    static final List<String> REDIS_PATTERNS =
            List.of(
                    "members:*",
                    "memberseq:*",
                    "urooms:*",
                    "roominfo:*",
                    "lastseq:*",
                    "spoke:*",
                    "privacy:*",
                    "signedout:*",
                    "keydevs:*",
                    "keys:*",
                    "otk:*",
                    "otkc:*",
                    // todevdrop: is left out: a count reported once, then reset (not in the log)
                    "todev:*",
                    "todevm:*",
                    "todevgone:*");
    static final List<String> JOBS = List.of("persistence", "search", "receipts", "users");
    static final String CONTROL = "http://127.0.0.1:8089";

    static final String FLINK_IT_MARK = "flinkit-";

    static EdgeStack stack;
    static Backends backends;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
        backends = Backends.connect(EdgeStack.config(Map.of()));
    }

    @AfterAll
    static void close() throws Exception {
        backends.close();
    }

    @Test
    void shouldRebuildEveryProjectionIdenticallyByReplayingTheLogs() throws Exception {
        // Given rooms, members, roles, a rename, edits, a deletion, reactions, receipts, privacy
        // settings, a device and a media registration
        String alice = stack.user("rb_a");
        String bob = stack.user("rb_b");
        String carol = stack.user("rb_c");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String room = stack.apiA.createRoom(ta, "group", "rebuild", List.of(bob));
        stack.apiA.addMember(ta, room, carol, null);
        stack.apiA.changeRole(ta, room, bob, "admin");
        stack.apiA.rename(ta, room, "rebuilt");
        stack.apiA.removeMember(ta, room, carol);
        String direct = stack.apiA.createRoom(ta, "direct", List.of(carol));
        try (WsClient a = RealtimeIT.joined(stack.a, ta, "d", room);
                WsClient b = RealtimeIT.joined(stack.b, tb, "d", room)) {
            long first = sent(a, RealtimeIT.send(room, "r1", "draft"));
            long second = sent(a, RealtimeIT.send(room, "r2", "doomed"));
            sent(b, RealtimeIT.send(room, "r3", "reply"));
            sent(a, command("edit", room, "r4", first, Map.of("body", "final")));
            sent(b, command("react", room, "r5", first, Map.of("emoji", "🎉", "active", true)));
            sent(a, command("react", room, "r6", first, Map.of("emoji", "🎉", "active", true)));
            sent(a, command("react", room, "r7", first, Map.of("emoji", "🎉", "active", false)));
            sent(b, command("delete", room, "r8", second, Map.of()));
            b.send(Map.of("type", "read", "room_id", room, "seq", first));
            a.send(Map.of("type", "ack", "room_id", room, "seq", first));
        }
        // carol signs in on a tablet, then signs it out
        String tablet = stack.apiA.devToken(carol, "tablet");
        try (WsClient t = stack.connect(stack.a, tablet, "tablet")) {
            t.send(Map.of("type", "ping"));
            t.awaitType("pong", WAIT);
        }
        assertThat(
                        Polling.until(
                                        WAIT,
                                        () ->
                                                stack.apiA.call(
                                                        "DELETE",
                                                        "/v1/devices/tablet",
                                                        tablet,
                                                        null),
                                        r -> r.status() == 204)
                                .status())
                .isEqualTo(204);
        // alice's phone publishes its keys; bob claims one of its one-time prekeys
        String phone = stack.apiA.devToken(alice, "phone");
        assertThat(
                        stack.apiA
                                .call(
                                        "PUT",
                                        "/v1/keys",
                                        phone,
                                        KeysIT.upload("s1", List.of("1", "2", "3")))
                                .status())
                .isEqualTo(204);
        assertThat(
                        KeysIT.claim(stack.apiB, tb, alice)
                                .path("devices")
                                .get(0)
                                .has("one_time_prekey"))
                .isTrue();
        // bob sends alice's phone two device messages; the phone acks the first
        try (WsClient b = stack.connect(stack.b, tb, "d")) {
            JsonNode sent =
                    ToDeviceIT.sendAndAwait(
                            b,
                            ToDeviceIT.frame(
                                    "rb-td",
                                    List.of(
                                            ToDeviceIT.target(alice, "phone", "AAEC"),
                                            ToDeviceIT.target(alice, "phone", "AwQF"))));
            assertThat(sent.path("type").asText()).as(sent.toString()).isEqualTo("to_device_sent");
        }
        try (WsClient p = stack.connect(stack.a, phone, "phone")) {
            String id = p.await(ToDeviceIT::toDevice, WAIT).path("id").asText();
            p.send(Map.of("type", "to_device_ack", "id", id));
            p.await(ToDeviceIT::toDevice, WAIT);
        }
        ParleyHttp.Reply privacy =
                stack.apiA.call(
                        "PUT",
                        "/v1/users/me/privacy",
                        tb,
                        Map.of("online_visibility", "contacts", "group_adds", "contacts"));
        assertThat(privacy.status()).isEqualTo(200);
        assertThat(
                        stack.apiA
                                .call(
                                        "POST",
                                        "/v1/devices",
                                        ta,
                                        Map.of(
                                                "device_id",
                                                "phone",
                                                "platform",
                                                "android",
                                                "push_token",
                                                "tok-" + stack.runId))
                                .status())
                .isEqualTo(204);
        assertThat(
                        stack.apiA
                                .call(
                                        "POST",
                                        "/v1/media",
                                        ta,
                                        Map.of(
                                                "mime",
                                                "text/plain",
                                                "size",
                                                5,
                                                "sha256",
                                                "0".repeat(64),
                                                "room_id",
                                                direct))
                                .status())
                .isEqualTo(201);

        // the projections have caught up: two snapshots in a row agree, and they hold our room
        Map<String, Object> before = settled(room);
        for (Map.Entry<String, Object> part : before.entrySet()) {
            // every projection holds something to rebuild (else identical would prove nothing)
            Object v = part.getValue();
            boolean empty = v instanceof List<?> l ? l.isEmpty() : ((Map<?, ?>) v).isEmpty();
            assertThat(empty).as(part.getKey() + " is empty before the wipe").isFalse();
        }

        // When every projection is wiped and the jobs replay their logs from earliest
        wipe();
        long t0 = System.nanoTime();
        for (String job : JOBS) {
            replay(job);
        }
        Map<String, Object> after =
                Polling.until(REBUILD_WAIT, RebuildIT::snapshot, s -> s.equals(before));
        long rebuiltMs = (System.nanoTime() - t0) / 1_000_000;

        // Then everything is identical
        for (String part : before.keySet()) {
            assertThat(after.get(part)).as(part).isEqualTo(before.get(part));
        }
        System.out.printf(
                "rebuild: %d log entries (%d rows of messages_by_room), every projection identical"
                        + " after %d ms (wipe, replay of %s, until equal)%n",
                entries(before), entries(before), rebuiltMs, JOBS);
    }

    private static long sent(WsClient c, Map<String, ?> frame) throws Exception {
        String ref = "ref-" + frame.get("client_msg_id");
        Map<String, Object> withRef = new TreeMap<>(frame);
        withRef.put("ref", ref);
        c.send(withRef);
        JsonNode reply = c.await(f -> ref.equals(f.path("ref").asText()), WAIT);
        assertThat(reply.path("type").asText()).as(reply.toString()).isEqualTo("sent");
        return reply.path("seq").asLong();
    }

    private static Map<String, Object> command(
            String type, String room, String cmid, long target, Map<String, Object> extra) {
        Map<String, Object> f = new TreeMap<>(extra);
        f.put("type", type);
        f.put("room_id", room);
        f.put("client_msg_id", cmid);
        f.put("target_seq", target);
        return f;
    }

    @SuppressWarnings("unchecked")
    private static long entries(Map<String, Object> snapshot) {
        return ((List<String>) snapshot.get("cassandra.messages_by_room")).size();
    }

    /** A snapshot taken once the stores stopped changing and reflect the room's last entries. */
    private static Map<String, Object> settled(String room) throws Exception {
        Map<String, Object>[] last = new Map[] {snapshot()};
        List<String> changing = new ArrayList<>();
        Map<String, Object> stable =
                Polling.until(
                        SETTLE_WAIT,
                        () -> {
                            Map<String, Object> previous = last[0];
                            Map<String, Object> now = snapshot();
                            last[0] = now;
                            changing.clear();
                            now.forEach(
                                    (k, v) -> {
                                        if (!v.equals(previous.get(k))) {
                                            changing.add(k);
                                        }
                                    });
                            return changing.isEmpty() && holds(now, room) ? now : null;
                        },
                        s -> s != null);
        assertThat(stable)
                .as(
                        "the projections settled (still changing: "
                                + changing
                                + "; hold the room's entries: "
                                + holds(last[0], room)
                                + ")")
                .isNotNull();
        return stable;
    }

    @SuppressWarnings("unchecked")
    private static boolean holds(Map<String, Object> snapshot, String room) {
        List<String> cursors = (List<String>) snapshot.get("cassandra.room_cursors");
        List<String> media = (List<String>) snapshot.get("cassandra.media");
        List<String> docs = (List<String>) snapshot.get("elasticsearch.messages");
        return cursors.stream().anyMatch(r -> r.contains(room))
                && docs.stream().anyMatch(d -> d.startsWith(room + ":"))
                // the search job applied the room's last edit and deletion (it may lag the others:
                // a snapshot taken before would keep the deleted message, seen on a fresh clone)
                && docs.stream().anyMatch(d -> d.startsWith(room + ":") && d.contains("\"final\""))
                && docs.stream()
                        .noneMatch(d -> d.startsWith(room + ":") && d.contains("\"doomed\""))
                && ((Map<String, String>) snapshot.get("redis.privacy:*"))
                        .containsKey("privacy:" + stack.user("rb_b"))
                && media.stream().anyMatch(r -> r.contains(stack.user("rb_a")))
                && ((List<String>) snapshot.get("cassandra.devices"))
                        .stream().anyMatch(r -> r.contains("tok-" + stack.runId))
                && ((List<String>) snapshot.get("cassandra.user_devices"))
                        .stream()
                                .anyMatch(
                                        r ->
                                                r.contains(stack.user("rb_c"))
                                                        && r.contains("tablet")
                                                        && !r.matches(
                                                                ".*signed_out_at[:=] *NULL.*"))
                && ((Map<String, String>) snapshot.get("redis.signedout:*"))
                        .containsKey("signedout:" + stack.user("rb_c"))
                && ((Map<String, String>) snapshot.get("redis.otkc:*"))
                        .containsKey("otkc:" + stack.user("rb_a") + ":phone")
                && ((Map<String, String>) snapshot.get("redis.todevgone:*"))
                        .containsKey("todevgone:" + stack.user("rb_a") + ":phone")
                && ((Map<String, String>) snapshot.get("redis.todev:*"))
                        .containsKey("todev:" + stack.user("rb_a") + ":phone");
    }

    static Map<String, Object> snapshot() throws Exception {
        Map<String, Object> s = new TreeMap<>();
        for (String table : TABLES) {
            List<String> rows = new ArrayList<>();
            for (Row row : backends.cql.execute("SELECT * FROM parley." + table)) {
                String text = row.getFormattedContents();
                if (!text.contains(FLINK_IT_MARK)) {
                    rows.add(text);
                }
            }
            rows.sort(String::compareTo);
            s.put("cassandra." + table, rows);
        }
        s.put("elasticsearch.messages", searchDocuments());
        for (String pattern : REDIS_PATTERNS) {
            s.put("redis." + pattern, redisKeys(pattern));
        }
        return s;
    }

    /** Every document of the index, read with the scroll API (a stack holds more than a page). */
    private static List<String> searchDocuments() throws Exception {
        List<String> docs = new ArrayList<>();
        HttpResponse<String> r =
                es("/messages/_search?scroll=1m", Map.of("size", 5000, "sort", List.of("_doc")));
        if (r.statusCode() == 404) {
            return docs;
        }
        while (true) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode page = Json.MAPPER.readTree(r.body());
            JsonNode hits = page.path("hits").path("hits");
            if (hits.isEmpty()) {
                break;
            }
            for (JsonNode hit : hits) {
                if (!hit.path("_id").asText().contains(FLINK_IT_MARK)) {
                    docs.add(hit.path("_id").asText() + " " + hit.path("_source"));
                }
            }
            r =
                    es(
                            "/_search/scroll",
                            Map.of("scroll", "1m", "scroll_id", page.path("_scroll_id").asText()));
        }
        docs.sort(String::compareTo);
        return docs;
    }

    private static HttpResponse<String> es(String path, Map<String, Object> body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:9200" + path))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The keys of a pattern with their contents. A privacy hash filled from the projection on a
     * cache miss (version "") is a read-through cache, not a projection: left out.
     */
    private static Map<String, String> redisKeys(String pattern) {
        Map<String, String> out = new TreeMap<>();
        for (String key : scan(pattern)) {
            String type = backends.redis.type(key);
            String value =
                    switch (type) {
                        case "set" -> new TreeSet<>(backends.redis.smembers(key)).toString();
                        case "hash" -> new TreeMap<>(backends.redis.hgetAll(key)).toString();
                        case "string" -> backends.redis.get(key);
                        case "zset" -> backends.redis.zrangeWithScores(key, 0, -1).toString();
                        default -> type;
                    };
            if (key.contains(FLINK_IT_MARK) || value.contains(FLINK_IT_MARK)) {
                continue;
            }
            if (key.startsWith("privacy:") && "".equals(backends.redis.hget(key, "v"))) {
                continue;
            }
            out.put(key, value);
        }
        return out;
    }

    private static List<String> scan(String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page =
                    backends.redis.scan(cursor, new ScanParams().match(pattern).count(1000));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }

    private static void wipe() throws Exception {
        for (String table : TABLES) {
            backends.cql.execute("TRUNCATE parley." + table);
        }
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:9200/messages"))
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        for (String pattern : REDIS_PATTERNS) {
            List<String> keys = scan(pattern);
            if (!keys.isEmpty()) {
                backends.redis.del(keys.toArray(String[]::new));
            }
        }
    }

    private static void replay(String job) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        CONTROL
                                                                + "/replay?job="
                                                                + job
                                                                + "&from=earliest"))
                                        .timeout(Duration.ofMinutes(2))
                                        .header("Authorization", LocalFlinkToken.authorization())
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(job + ": " + r.body()).isEqualTo(200);
    }
}

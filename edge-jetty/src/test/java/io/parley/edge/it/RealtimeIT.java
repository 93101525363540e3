package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
import io.parley.edge.EdgeServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real-time path end to end: two gateways, real Pulsar functions, real WebSockets. */
class RealtimeIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static EdgeStack stack;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
    }

    static Map<String, Object> send(String room, String clientMsgId, String body) {
        return Map.of("type", "send", "room_id", room, "client_msg_id", clientMsgId, "body", body);
    }

    static WsClient joined(EdgeServer edge, String token, String device, String room)
            throws Exception {
        WsClient c = EdgeStack.get().connect(edge, token, device);
        c.send(Map.of("type", "join", "room_id", room));
        c.await(
                f ->
                        "joined".equals(f.path("type").asText())
                                && room.equals(f.path("room_id").asText()),
                WAIT);
        return c;
    }

    @Test
    void shouldExchangeMessagesBothWaysAcrossTwoGateways() throws Exception {
        String alice = stack.user("alice");
        String bob = stack.user("bob");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiB.devToken(bob);
        String room = stack.apiA.createRoom(ta, "direct", List.of(bob));

        try (WsClient a = joined(stack.a, ta, "phone", room);
                WsClient b = joined(stack.b, tb, "phone", room)) {
            a.send(
                    Map.of(
                            "type",
                            "send",
                            "room_id",
                            room,
                            "client_msg_id",
                            "a1",
                            "body",
                            "hi bob",
                            "ref",
                            "r1"));
            JsonNode sent = a.awaitType("sent", WAIT);
            JsonNode atBob = b.messages(room, 1, WAIT).get(0);
            b.send(send(room, "b1", "hi alice"));
            JsonNode atAlice =
                    a.await(
                            f ->
                                    "message".equals(f.path("type").asText())
                                            && f.path("sender_id").asText().equals(bob),
                            WAIT);

            assertThat(sent.path("ref").asText()).isEqualTo("r1");
            assertThat(atBob.path("body").asText()).isEqualTo("hi bob");
            assertThat(atBob.path("sender_id").asText()).isEqualTo(alice);
            assertThat(atBob.path("seq").asLong()).isEqualTo(sent.path("seq").asLong());
            assertThat(atBob.path("msg_id").asText()).isEqualTo(sent.path("msg_id").asText());
            assertThat(atAlice.path("body").asText()).isEqualTo("hi alice");
            assertThat(atAlice.path("seq").asLong()).isEqualTo(atBob.path("seq").asLong() + 1);
        }
    }

    @Test
    void shouldDeliverEveryMessageInSeqOrderToEveryMemberOfATwentyMemberGroup() throws Exception {
        List<String> users = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            users.add(stack.user("g" + i));
            tokens.add(stack.apiA.devToken(users.get(i)));
        }
        String room = stack.apiA.createRoom(tokens.get(0), "group", users.subList(1, 20));
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                clients.add(joined(i % 2 == 0 ? stack.a : stack.b, tokens.get(i), "d", room));
            }
            int perSender = 10;
            for (int k = 0; k < perSender; k++) {
                for (int s = 0; s < 3; s++) {
                    clients.get(s).send(send(room, "m" + k, "from " + s + " #" + k));
                }
            }
            int total = 3 * perSender;
            for (WsClient c : clients) {
                List<JsonNode> got = c.messages(room, total, WAIT);
                List<Long> seqs = got.stream().map(f -> f.path("seq").asLong()).toList();
                long first = seqs.get(0);
                for (int i = 0; i < seqs.size(); i++) {
                    assertThat(seqs.get(i)).isEqualTo(first + i);
                }
                assertThat(c.drain("message", Duration.ofMillis(200))).isEmpty();
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void shouldGiveOneSeqToARetriedClientMsgIdOnAnyConnectionOrGateway() throws Exception {
        String alice = stack.user("idem_a");
        String bob = stack.user("idem_b");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String room = stack.apiA.createRoom(ta, "direct", List.of(bob));
        String cmid = UUID.randomUUID().toString();

        try (WsClient phone = joined(stack.a, ta, "phone", room);
                WsClient laptop = joined(stack.b, ta, "laptop", room);
                WsClient b = joined(stack.b, tb, "phone", room)) {
            phone.send(send(room, cmid, "once"));
            JsonNode first = phone.awaitType("sent", WAIT);
            phone.send(send(room, cmid, "once"));
            JsonNode second = phone.awaitType("sent", WAIT);
            laptop.send(send(room, cmid, "once"));
            JsonNode third = laptop.awaitType("sent", WAIT);
            phone.send(send(room, "after", "next"));
            JsonNode next = phone.awaitType("sent", WAIT);

            assertThat(List.of(second.path("seq").asLong(), third.path("seq").asLong()))
                    .containsOnly(first.path("seq").asLong());
            assertThat(List.of(second.path("msg_id").asText(), third.path("msg_id").asText()))
                    .containsOnly(first.path("msg_id").asText());
            assertThat(next.path("seq").asLong()).isEqualTo(first.path("seq").asLong() + 1);
            List<JsonNode> atBob = b.messages(room, 2, WAIT);
            assertThat(atBob.get(0).path("client_msg_id").asText()).isEqualTo(cmid);
            assertThat(atBob.get(1).path("client_msg_id").asText()).isEqualTo("after");
            assertThat(b.drain("message", Duration.ofMillis(500))).isEmpty();
        }
    }

    @Test
    void shouldReplayExactlyTheMissedMessagesOnResumeWhileLiveOnesKeepComing() throws Exception {
        String alice = stack.user("res_a");
        String carol = stack.user("res_c");
        String ta = stack.apiA.devToken(alice);
        String tc = stack.apiA.devToken(carol);
        String room = stack.apiA.createRoom(ta, "group", List.of(carol));

        try (WsClient a = joined(stack.a, ta, "phone", room)) {
            long last;
            try (WsClient c = joined(stack.b, tc, "phone", room)) {
                a.send(send(room, "warm", "before"));
                last = c.messages(room, 1, WAIT).get(0).path("seq").asLong();
            }
            for (int i = 0; i < 100; i++) {
                a.send(send(room, "miss" + i, "missed " + i));
                a.awaitType("sent", WAIT);
            }
            try (WsClient c = stack.connect(stack.b, tc, "phone")) {
                c.send(
                        Map.of(
                                "type",
                                "resume",
                                "rooms",
                                List.of(Map.of("room_id", room, "last_seq", last))));
                for (int i = 0; i < 20; i++) {
                    a.send(send(room, "live" + i, "live " + i));
                }
                List<JsonNode> got = c.messages(room, 120, WAIT);
                JsonNode resumed = c.awaitType("resumed", WAIT);

                for (int i = 0; i < got.size(); i++) {
                    assertThat(got.get(i).path("seq").asLong()).isEqualTo(last + 1 + i);
                }
                assertThat(got.get(0).path("client_msg_id").asText()).isEqualTo("miss0");
                assertThat(got.get(119).path("client_msg_id").asText()).isEqualTo("live19");
                assertThat(resumed.path("room_id").asText()).isEqualTo(room);
                assertThat(c.drain("message", Duration.ofMillis(300))).isEmpty();
            }
        }
    }

    @Test
    void shouldReplaySinceSeqOnJoin() throws Exception {
        String alice = stack.user("join_a");
        String ta = stack.apiA.devToken(alice);
        String room = stack.apiA.createRoom(ta, "group", List.of());
        try (WsClient a = joined(stack.a, ta, "phone", room)) {
            for (int i = 0; i < 5; i++) {
                a.send(send(room, "j" + i, "m" + i));
                a.awaitType("sent", WAIT);
            }
        }
        try (WsClient a = stack.connect(stack.b, ta, "tablet")) {
            // seq 1 is room_created, the messages are 2..6
            a.send(Map.of("type", "join", "room_id", room, "since_seq", 3));
            JsonNode joined = a.awaitType("joined", WAIT);
            List<JsonNode> got = a.messages(room, 3, WAIT);

            assertThat(joined.path("last_seq").asLong()).isEqualTo(6);
            assertThat(got.stream().map(f -> f.path("seq").asLong()).toList())
                    .containsExactly(4L, 5L, 6L);
        }
    }

    @Test
    void shouldKeepOtherClientsUnaffectedByAFloodingClient() throws Exception {
        // a gateway whose send bucket (5/s, burst 10) any client outruns, however slowly a busy
        // machine takes the frames in; the shared test gateways allow 100/s for the other tests
        try (EdgeServer edge =
                EdgeServer.start(
                        EdgeStack.config(Map.of("PARLEY_SEND_RATE", "5", "PARLEY_SEND_BURST", "10"))
                                .withGateway("it" + stack.runId + "flood", 0, 0))) {
            ParleyHttp api = new ParleyHttp("http://127.0.0.1:" + edge.httpPort());
            String tf = api.devToken(stack.user("flood"));
            String tc = api.devToken(stack.user("calm"));
            String room = api.createRoom(tf, "direct", List.of(stack.user("calm")));
            try (WsClient f = joined(edge, tf, "d", room);
                    WsClient c = joined(edge, tc, "d", room)) {
                for (int i = 0; i < 200 && f.isOpen(); i++) {
                    f.send(send(room, "f" + i, "spam"));
                }
                JsonNode limited =
                        f.await(x -> "rate_limited".equals(x.path("code").asText()), WAIT);
                int closeCode = f.closed.get(20, java.util.concurrent.TimeUnit.SECONDS);
                c.send(send(room, "ok", "still fine"));
                JsonNode sent = c.awaitType("sent", WAIT);

                assertThat(limited.path("retry_after_ms").asLong()).isPositive();
                // 1008 from the server's close frame; 1006 when the flooder's own pending
                // writes fail on the closed socket before it reads that frame
                assertThat(closeCode).isIn(1008, 1006);
                assertThat(sent.path("client_msg_id").asText()).isEqualTo("ok");
            }
        }
    }

    @Test
    void shouldNotDeliverTheSameSeqTwiceToAConnection() throws Exception {
        String alice = stack.user("dup_a");
        String ta = stack.apiA.devToken(alice);
        String room = stack.apiA.createRoom(ta, "group", List.of());
        try (WsClient a = joined(stack.a, ta, "d", room)) {
            for (int i = 0; i < 30; i++) {
                a.send(send(room, "x" + i, "b" + i));
            }
            List<JsonNode> got = a.messages(room, 30, WAIT);
            Set<Long> seqs = new HashSet<>();
            got.forEach(g -> seqs.add(g.path("seq").asLong()));
            assertThat(seqs).hasSize(30);
            assertThat(a.drain("message", Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void shouldSequenceAConnectionsSendsInTheOrderItSentThem() throws Exception {
        String alice = stack.user("fifo_a");
        String ta = stack.apiA.devToken(alice);
        String room = stack.apiA.createRoom(ta, "group", List.of());
        try (WsClient a = joined(stack.a, ta, "d", room)) {
            // sent at once on a new room: most arrive while the edge still creates the room's
            // producer, which once published them last-in first-out
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sent.add("o" + i);
                a.send(send(room, "o" + i, "b" + i));
            }
            List<String> bySeq =
                    a.messages(room, 40, WAIT).stream()
                            .sorted(Comparator.comparingLong(m -> m.path("seq").asLong()))
                            .map(m -> m.path("client_msg_id").asText())
                            .toList();

            assertThat(bySeq).containsExactlyElementsOf(sent);
        }
    }
}

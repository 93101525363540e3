package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
import io.parley.edge.EdgeServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The findings of the security review (issue 10): receipts, budgets, bodies, malformed input. */
class HardeningIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static EdgeStack stack;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
    }

    @Test
    void shouldRefuseAnAckOrReadBeyondTheRoomsLastSeqAndKeepTheGroupsReceiptsTrue()
            throws Exception {
        String alice = stack.user("rcpt_a");
        String bob = stack.user("rcpt_b");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String room = stack.apiA.createRoom(ta, "group", List.of(bob, stack.user("rcpt_c")));
        try (WsClient a = RealtimeIT.joined(stack.a, ta, "d", room);
                WsClient b = RealtimeIT.joined(stack.a, tb, "d", room)) {
            a.send(RealtimeIT.send(room, "m1", "hello"));
            long seq = a.awaitType("sent", WAIT).path("seq").asLong();
            b.messages(room, 1, WAIT);

            b.send(Map.of("type", "ack", "room_id", room, "seq", 999_999_999_999L, "ref", "far"));
            b.send(Map.of("type", "read", "room_id", room, "seq", seq + 1, "ref", "near"));
            JsonNode far = b.await(f -> "far".equals(f.path("ref").asText()), WAIT);
            JsonNode near = b.await(f -> "near".equals(f.path("ref").asText()), WAIT);
            b.send(Map.of("type", "ack", "room_id", room, "seq", seq));
            JsonNode receipt = a.awaitType("receipt", WAIT);
            List<JsonNode> later = a.drain("receipt", Duration.ofSeconds(2));

            assertThat(far.path("code").asText()).isEqualTo("bad_request");
            assertThat(near.path("code").asText()).isEqualTo("bad_request");
            assertThat(receipt.path("seq").asLong()).isEqualTo(seq);
            assertThat(later).allMatch(r -> r.path("seq").asLong() <= seq);
            assertThat(b.isOpen()).isTrue();
        }
    }

    @Test
    void shouldAnswerAHistoryPageBeforeTheLargestSeqAtOnce() throws Exception {
        String t = stack.apiA.devToken(stack.user("far_history"));
        String room = stack.apiA.createRoom(t, "group", List.of(stack.user("far_peer")));
        try (WsClient c = RealtimeIT.joined(stack.a, t, "d", room)) {
            c.send(RealtimeIT.send(room, "only", "the only message"));
            c.awaitType("sent", WAIT);
        }
        // before the clamp this scanned one bucket per 1,000 seqs down from 2^63 and never
        // answered (the client gives up after 30 s)
        ParleyHttp.Reply page =
                Polling.until(
                        WAIT,
                        () ->
                                stack.apiA.call(
                                        "GET",
                                        "/v1/history?room_id="
                                                + room
                                                + "&before_seq="
                                                + Long.MAX_VALUE,
                                        t,
                                        null),
                        r -> r.status() == 200 && r.body().path("messages").size() == 1);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().path("messages").get(0).path("client_msg_id").asText())
                .isEqualTo("only");
    }

    @Test
    void shouldRateLimitABurstOfSearchesForThatUserOnly() throws Exception {
        String greedy = stack.apiA.devToken(stack.user("search_greedy"));
        String calm = stack.apiA.devToken(stack.user("search_calm"));
        List<CompletableFuture<ParleyHttp.Reply>> burst = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            burst.add(
                    CompletableFuture.supplyAsync(
                            () -> call(stack.apiA, "GET", "/v1/search?q=anything", greedy)));
        }
        List<ParleyHttp.Reply> replies = burst.stream().map(CompletableFuture::join).toList();
        List<ParleyHttp.Reply> limited = replies.stream().filter(r -> r.status() == 429).toList();

        assertThat(limited).hasSizeGreaterThan(40);
        assertThat(limited)
                .allMatch(r -> "rate_limited".equals(r.body().path("code").asText()))
                .allMatch(r -> r.body().path("retry_after_ms").asLong() > 0)
                .allMatch(r -> r.raw().headers().firstValue("Retry-After").isPresent());
        assertThat(replies).allMatch(r -> r.status() == 200 || r.status() == 429);
        assertThat(call(stack.apiA, "GET", "/v1/search?q=anything", calm).status()).isEqualTo(200);
    }

    @Test
    void shouldBoundTheWorkOfAResumeNamingThousandsOfForeignRooms() throws Exception {
        String token = stack.apiA.devToken(stack.user("resume_greedy"));
        List<Map<String, Object>> positions = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            positions.add(Map.of("room_id", "x" + i, "last_seq", 0));
        }
        try (WsClient c = stack.connect(stack.a, token, "d")) {
            c.send(Map.of("type", "resume", "ref", "r", "rooms", positions));
            c.send(Map.of("type", "ping", "ref", "after"));
            c.await(f -> "after".equals(f.path("ref").asText()), WAIT);
            List<JsonNode> errors = c.drain("error", Duration.ofSeconds(1));

            // the refusal budget's burst of forbidden frames, then one rate_limited for the rest
            assertThat(errors).hasSizeBetween(2, 30);
            assertThat(errors.get(0).path("code").asText()).isEqualTo("forbidden");
            assertThat(errors.get(errors.size() - 1).path("code").asText())
                    .isEqualTo("rate_limited");
            assertThat(errors.get(errors.size() - 1).path("retry_after_ms").asLong()).isPositive();
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void shouldRateLimitAFloodOfTypingFrames() throws Exception {
        String t = stack.apiA.devToken(stack.user("typist"));
        String room = stack.apiA.createRoom(t, "group", List.of(stack.user("typist_peer")));
        try (WsClient c = RealtimeIT.joined(stack.a, t, "d", room)) {
            // burst 30: the rest are refused, fewer than the 20 strikes that would disconnect
            for (int i = 0; i < 45; i++) {
                c.send(Map.of("type", "typing", "room_id", room, "active", i % 2 == 0));
            }
            JsonNode limited = c.await(f -> "rate_limited".equals(f.path("code").asText()), WAIT);

            assertThat(limited.path("retry_after_ms").asLong()).isPositive();
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void shouldStopReadingAChunkedBodyAtTheLimit() throws Exception {
        String token = stack.apiA.devToken(stack.user("chunky"));
        assertThat(chunkedPost(stack.a, "/v1/rooms", token)).isLessThan(10 << 20);
        assertThat(chunkedPost(stack.a, "/v1/auth/dev-token", null)).isLessThan(10 << 20);
    }

    @Test
    void shouldAnswerAMalformedQueryWith400() throws Exception {
        String token = stack.apiA.devToken(stack.user("percent"));
        String reply;
        // java.net.URI refuses to send a bad escape: write the request by hand
        try (Socket socket = new Socket("127.0.0.1", stack.a.httpPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(
                            ("GET /v1/history?room_id=% HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                            + "Authorization: Bearer "
                                            + token
                                            + "\r\nConnection: close\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
            reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(reply).startsWith("HTTP/1.1 400 ").contains("\"code\":\"bad_request\"");
    }

    @Test
    void shouldLimitRequestsWithoutAValidTokenPerClientAddress() throws Exception {
        try (EdgeServer edge =
                EdgeServer.start(
                        EdgeStack.config(Map.of("PARLEY_USER_LIMIT_HTTP_ANONYMOUS", "1/5"))
                                .withGateway("it" + stack.runId + "anon", 0, 0))) {
            ParleyHttp api = new ParleyHttp("http://127.0.0.1:" + edge.httpPort());
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                statuses.add(call(api, "GET", "/v1/rooms", "forged.token.here").status());
            }

            assertThat(statuses.subList(0, 5)).containsOnly(401);
            assertThat(statuses).contains(429);
        }
    }

    /**
     * Streams 20 MB as a chunked POST and returns how many bytes had been written when the status
     * line came back: a server that reads the whole body first answers only after all of it.
     */
    private static long chunkedPost(EdgeServer edge, String path, String token) throws Exception {
        long total = 20L << 20;
        AtomicLong written = new AtomicLong();
        try (Socket socket = new Socket("127.0.0.1", edge.httpPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String head =
                    "POST "
                            + path
                            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                            + "Transfer-Encoding: chunked\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<Void> writer =
                    CompletableFuture.runAsync(
                            () -> {
                                byte[] chunk = new byte[64 * 1024];
                                java.util.Arrays.fill(chunk, (byte) ' ');
                                byte[] size =
                                        (Integer.toHexString(chunk.length) + "\r\n")
                                                .getBytes(StandardCharsets.US_ASCII);
                                try {
                                    while (written.get() < total) {
                                        out.write(size);
                                        out.write(chunk);
                                        out.write('\r');
                                        out.write('\n');
                                        written.addAndGet(chunk.length);
                                    }
                                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                                } catch (java.io.IOException closedByServer) {
                                    // the server answered and closed: what we measure
                                }
                            });
            InputStream in = socket.getInputStream();
            String status = readLine(in);
            long atAnswer = written.get();
            socket.close();
            writer.get(30, TimeUnit.SECONDS);

            assertThat(status).contains(" 413 ");
            return atAnswer;
        }
    }

    private static String readLine(InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.append((char) b);
        }
        return line.toString();
    }

    private static ParleyHttp.Reply call(ParleyHttp api, String method, String path, String token) {
        try {
            return api.call(method, path, token, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
import io.parley.edge.EdgeServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Restarts under traffic and a client that stops reading. */
class ResilienceIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    static EdgeStack stack;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
    }

    static void restartFunction(String name) throws Exception {
        String admin = EdgeStack.config(Map.of()).pulsarAdminUrl();
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        admin
                                                                + "/admin/v3/functions/parley/functions/"
                                                                + name
                                                                + "/restart"))
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 204);
    }

    @Test
    void shouldKeepSeqDenseAndLoseNothingWhenTheSequencerRestartsMidStream() throws Exception {
        String alice = stack.user("seqr_a");
        String bob = stack.user("seqr_b");
        String ta = stack.apiA.devToken(alice);
        String tb = stack.apiA.devToken(bob);
        String room = stack.apiA.createRoom(ta, "direct", List.of(bob));
        int total = 120;
        try (WsClient a = RealtimeIT.joined(stack.a, ta, "d", room);
                WsClient b = RealtimeIT.joined(stack.b, tb, "d", room)) {
            for (int i = 0; i < total; i++) {
                a.send(RealtimeIT.send(room, "s" + i, "m" + i));
                if (i == 40) {
                    restartFunction("sequencer");
                }
                if (i % 20 == 19) {
                    a.await(f -> "sent".equals(f.path("type").asText()), WAIT);
                }
            }
            List<JsonNode> got = b.messages(room, total, WAIT);
            List<String> ids = got.stream().map(f -> f.path("client_msg_id").asText()).toList();

            for (int i = 0; i < total; i++) {
                // seq 1 is the room's room_created
                assertThat(got.get(i).path("seq").asLong()).isEqualTo(i + 2);
            }
            assertThat(ids).doesNotHaveDuplicates().hasSize(total);
            assertThat(b.drain("message", Duration.ofMillis(500))).isEmpty();
        }
    }

    @Test
    void shouldServeWssWithTheLocalCertificateOfTheRunningEdge() throws Exception {
        ParleyHttp up = new ParleyHttp("http://127.0.0.1:8088");
        String token = up.devToken(stack.user("tls"));
        org.eclipse.jetty.util.ssl.SslContextFactory.Client tls =
                new org.eclipse.jetty.util.ssl.SslContextFactory.Client(true);
        org.eclipse.jetty.client.HttpClient http = new org.eclipse.jetty.client.HttpClient();
        http.setSslContextFactory(tls);
        org.eclipse.jetty.websocket.client.WebSocketClient wss =
                new org.eclipse.jetty.websocket.client.WebSocketClient(http);
        wss.start();
        try (WsClient c =
                WsClient.connect(
                        wss, URI.create("wss://127.0.0.1:8443/v1/ws?device_id=tls"), token)) {
            c.send("{\"type\":\"ping\",\"ref\":\"tls\"}");

            assertThat(c.awaitType("pong", Duration.ofSeconds(10)).path("ref").asText())
                    .isEqualTo("tls");
        } finally {
            wss.stop();
        }
    }

    @Test
    void shouldCloseAClientThatStopsReadingWithoutSlowingTheOthers() throws Exception {
        // a gateway with a small outbound bound, so a stalled client reaches it quickly
        try (EdgeServer edge =
                EdgeServer.start(
                        EdgeStack.config(
                                        Map.of(
                                                "PARLEY_OUTBOUND_SOFT_LIMIT", "20",
                                                "PARLEY_OUTBOUND_HARD_LIMIT", "50",
                                                "PARLEY_SEND_RATE", "1000",
                                                "PARLEY_SEND_BURST", "1000",
                                                "PARLEY_USER_SEND_RATE", "1000",
                                                "PARLEY_USER_SEND_BURST", "1000"))
                                .withGateway("it" + stack.runId + "slow", 0, 0))) {
            ParleyHttp api = new ParleyHttp("http://127.0.0.1:" + edge.httpPort());
            String sender = stack.user("slow_s");
            String fast = stack.user("slow_f");
            String stalled = stack.user("slow_x");
            String ts = api.devToken(sender);
            String room = api.createRoom(ts, "group", List.of(fast, stalled));
            try (WsClient s = RealtimeIT.joined(edge, ts, "d", room);
                    WsClient f = RealtimeIT.joined(edge, api.devToken(fast), "d", room);
                    Socket raw = stalledClient(edge.httpPort(), api.devToken(stalled), room)) {
                int total = 400;
                String body = "x".repeat(15_000);
                for (int i = 0; i < total; i++) {
                    s.send(RealtimeIT.send(room, "big" + i, body));
                }
                List<JsonNode> got = f.messages(room, total, WAIT);

                assertThat(got.get(total - 1).path("seq").asLong()).isEqualTo(total + 1);
                assertThat(closedByServer(raw, Duration.ofSeconds(30))).isTrue();
            }
        }
    }

    /** A WebSocket client that joins a room and then never reads again. */
    private static Socket stalledClient(int port, String token, String room) throws Exception {
        // a small receive buffer set before connecting, so the kernel cannot absorb the backlog
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
        OutputStream out = socket.getOutputStream();
        String key =
                Base64.getEncoder()
                        .encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        out.write(
                ("GET /v1/ws?device_id=stalled&access_token="
                                + token
                                + " HTTP/1.1\r\n"
                                + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                + "Sec-WebSocket-Key: "
                                + key
                                + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("upgrade refused: " + head);
            }
            head.append((char) c);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        byte[] payload =
                ("{\"type\":\"join\",\"room_id\":\"" + room + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        // mask key 0 leaves the payload as it is
        System.arraycopy(payload, 0, frame, 6, payload.length);
        out.write(frame);
        out.flush();
        return socket;
    }

    /** Reads (now, at last) until the server ends the connection; true if it did in time. */
    private static boolean closedByServer(Socket socket, Duration within) throws Exception {
        ExecutorService reader = Executors.newSingleThreadExecutor();
        AtomicBoolean eof = new AtomicBoolean();
        Future<?> f =
                reader.submit(
                        () -> {
                            byte[] buf = new byte[65536];
                            try (InputStream in = socket.getInputStream()) {
                                while (in.read(buf) >= 0) {
                                    // discard
                                }
                                eof.set(true);
                            } catch (java.io.IOException e) {
                                eof.set(true); // reset by the server also ends it
                            }
                            return null;
                        });
        try {
            f.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
        } finally {
            reader.shutdownNow();
        }
        return eof.get();
    }
}

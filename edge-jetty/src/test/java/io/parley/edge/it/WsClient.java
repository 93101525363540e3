package io.parley.edge.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.schemas.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** A real WebSocket client for tests: every server frame lands in a queue to wait on. */
public final class WsClient implements Session.Listener.AutoDemanding, AutoCloseable {
    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private Session session;

    public static WsClient connect(WebSocketClient client, URI uri, String token) throws Exception {
        WsClient ws = new WsClient();
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        if (token != null) {
            request.setHeader("Authorization", "Bearer " + token);
        }
        client.connect(ws, uri, request).get(30, TimeUnit.SECONDS);
        return ws;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
    }

    @Override
    public void onWebSocketText(String message) {
        frames.add(Json.MAPPER.valueToTree(Json.read(message, Map.class)));
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closed.complete(statusCode);
    }

    public void send(String json) {
        session.sendText(json, Callback.NOOP);
    }

    public void send(Map<String, ?> frame) {
        send(Json.write(frame));
    }

    /** The next frame matching, within the timeout; frames skipped on the way are kept. */
    public JsonNode await(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            for (int i = 0; i < seen.size(); i++) {
                if (match.test(seen.get(i))) {
                    return seen.remove(i);
                }
            }
        }
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(
                        "no matching frame within " + timeout + "; unmatched: " + seen);
            }
            JsonNode f = frames.poll(left, TimeUnit.NANOSECONDS);
            if (f == null) {
                continue;
            }
            if (match.test(f)) {
                return f;
            }
            synchronized (seen) {
                seen.add(f);
            }
        }
    }

    public JsonNode awaitType(String type, Duration timeout) throws InterruptedException {
        return await(f -> type.equals(f.path("type").asText()), timeout);
    }

    /** Collects {@code n} message frames of a room, in arrival order. */
    public List<JsonNode> messages(String roomId, int n, Duration timeout)
            throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(
                    await(
                            f ->
                                    "message".equals(f.path("type").asText())
                                            && roomId.equals(f.path("room_id").asText()),
                            timeout));
        }
        return out;
    }

    /** Frames of a type that arrived and were not consumed, after waiting {@code quiet}. */
    public List<JsonNode> drain(String type, Duration quiet) throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (f != null) {
                synchronized (seen) {
                    seen.add(f);
                }
            }
        }
        synchronized (seen) {
            for (JsonNode f : new ArrayList<>(seen)) {
                if (type.equals(f.path("type").asText())) {
                    out.add(f);
                    seen.remove(f);
                }
            }
        }
        return out;
    }

    public boolean isOpen() {
        return session != null && session.isOpen();
    }

    @Override
    public void close() {
        if (session != null && session.isOpen()) {
            session.close();
        }
    }
}

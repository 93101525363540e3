package io.parley.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.schemas.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** A small client of one Parley edge: the HTTP API and WebSocket connections. */
public final class ParleyClient implements AutoCloseable {
    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final WebSocketClient ws = new WebSocketClient();

    public ParleyClient(String base) throws Exception {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        ws.start();
    }

    /** An HTTP call; returns the parsed JSON body (or null) and fails on a non-2xx status. */
    public JsonNode call(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json =
                r.body() == null || r.body().isBlank() ? null : Json.MAPPER.readTree(r.body());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return json;
    }

    public String devToken(String userId) throws Exception {
        return call("POST", "/v1/auth/dev-token", null, Map.of("user_id", userId))
                .get("token")
                .asText();
    }

    public String createRoom(String token, String kind, String name, List<String> members)
            throws Exception {
        return call(
                        "POST",
                        "/v1/rooms",
                        token,
                        Map.of("kind", kind, "name", name, "members", members))
                .get("room_id")
                .asText();
    }

    public static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Opens a WebSocket; every server frame is handed to {@code onFrame} on Jetty's thread. */
    public Connection connect(String token, String deviceId, Consumer<JsonNode> onFrame)
            throws Exception {
        String wsBase = base.replaceFirst("^http", "ws");
        Connection c = new Connection(onFrame);
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.setHeader("Authorization", "Bearer " + token);
        ws.connect(c, URI.create(wsBase + "/v1/ws?device_id=" + q(deviceId)), request)
                .get(15, TimeUnit.SECONDS);
        return c;
    }

    @Override
    public void close() throws Exception {
        ws.stop();
    }

    /** One WebSocket connection. */
    public static final class Connection implements Session.Listener.AutoDemanding {
        private final Consumer<JsonNode> onFrame;
        private volatile Session session;

        Connection(Consumer<JsonNode> onFrame) {
            this.onFrame = onFrame;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            try {
                onFrame.accept(Json.MAPPER.readTree(message));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        public void send(Map<String, ?> frame) {
            session.sendText(Json.write(frame), Callback.NOOP);
        }

        public boolean isOpen() {
            return session != null && session.isOpen();
        }

        public void close() {
            if (session != null) {
                session.close();
            }
        }
    }
}

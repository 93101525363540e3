package io.parley.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.schemas.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
    private final ParleyHttp http;
    private final WebSocketClient ws = new WebSocketClient();
    private final String base;

    public ParleyClient(String base) throws Exception {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.http = new ParleyHttp(this.base);
        ws.start();
    }

    /** An HTTP call; returns the parsed JSON body (or null) and fails on a non-2xx status. */
    public JsonNode call(String method, String path, String token, Object body) throws Exception {
        ParleyHttp.Reply r = http.call(method, path, token, body);
        if (!r.ok()) {
            throw new IllegalStateException(
                    method + " " + path + " -> " + r.status() + " " + r.raw().body());
        }
        return r.body();
    }

    public String devToken(String userId) throws Exception {
        return http.devToken(userId);
    }

    public String devToken(String userId, String deviceId) throws Exception {
        return http.devToken(userId, deviceId);
    }

    public String createRoom(String token, String kind, String name, List<String> members)
            throws Exception {
        return http.createRoom(token, kind, name, members);
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

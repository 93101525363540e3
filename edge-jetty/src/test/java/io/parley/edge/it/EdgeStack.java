package io.parley.edge.it;

import io.parley.clients.ParleyHttp;
import io.parley.edge.EdgeConfig;
import io.parley.edge.EdgeServer;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Two in-process edge gateways (different gateway ids) against the real stack started by {@code
 * ./parley up}, shared by every integration test of this JVM and stopped at exit.
 */
public final class EdgeStack {
    private static EdgeStack instance;

    public final String runId = UUID.randomUUID().toString().substring(0, 8);
    public final EdgeServer a;
    public final EdgeServer b;
    public final ParleyHttp apiA;
    public final ParleyHttp apiB;
    public final WebSocketClient ws;

    private EdgeStack() throws Exception {
        EdgeConfig base = config(Map.of());
        a = EdgeServer.start(base.withGateway("it" + runId + "a", 0, 0));
        b = EdgeServer.start(base.withGateway("it" + runId + "b", 0, 0));
        apiA = new ParleyHttp("http://127.0.0.1:" + a.httpPort());
        apiB = new ParleyHttp("http://127.0.0.1:" + b.httpPort());
        ws = new WebSocketClient();
        ws.start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
    }

    public static synchronized EdgeStack get() throws Exception {
        if (instance == null) {
            instance = new EdgeStack();
        }
        return instance;
    }

    /** The environment's config with dev mode, a test secret, and any overrides. */
    public static EdgeConfig config(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PARLEY_DEV_MODE", "true");
        env.put("PARLEY_JWT_SECRET", "integration-test-secret-0123456789abcdef");
        env.put("PARLEY_KEYSTORE", "");
        // room for the sequential sends of the tests; the flood test still trips it
        env.put("PARLEY_SEND_RATE", "100");
        env.put("PARLEY_SEND_BURST", "150");
        env.put("PARLEY_USER_SEND_RATE", "200");
        env.put("PARLEY_USER_SEND_BURST", "300");
        env.putAll(overrides);
        return EdgeConfig.from(env);
    }

    /** A user id unique to this run. */
    public String user(String name) {
        return name + "_" + runId;
    }

    public URI wsUri(EdgeServer edge, String deviceId) {
        return URI.create("ws://127.0.0.1:" + edge.httpPort() + "/v1/ws?device_id=" + deviceId);
    }

    public WsClient connect(EdgeServer edge, String token, String deviceId) throws Exception {
        return WsClient.connect(ws, wsUri(edge, deviceId), token);
    }

    private void stop() {
        try {
            ws.stop();
            a.close();
            b.close();
        } catch (Exception ignored) {
            // the JVM is exiting
        }
    }
}

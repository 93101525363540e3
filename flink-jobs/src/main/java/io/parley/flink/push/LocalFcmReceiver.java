package io.parley.flink.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.parley.flink.LocalToken;
import io.parley.schemas.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local FCM-compatible receiver for development and tests (FCM itself is out of reach here). It
 * answers the FCM HTTP v1 {@code POST /v1/projects/<project>/messages:send} like Google does:
 * {@code {"name": "projects/<p>/messages/<n>"}} for a request with the right OAuth bearer token
 * (firebase-admin sends {@code Authorization: Bearer <access token>}; here the access token is the
 * local token, see {@code FcmPusher}), 401 UNAUTHENTICATED otherwise, and {@code 404 NOT_FOUND /
 * UNREGISTERED} for device tokens starting with {@value #INVALID_PREFIX}.
 *
 * <p>It keeps the last {@code capacity} accepted requests (default {@value #DEFAULT_CAPACITY}, the
 * oldest dropped first; they hold message previews and device tokens): {@code GET /requests} lists
 * them oldest first, {@code DELETE /requests} forgets them; both need the same bearer token.
 */
public final class LocalFcmReceiver implements AutoCloseable {
    public static final String INVALID_PREFIX = "invalid-";
    public static final int DEFAULT_CAPACITY = 1_000;

    private static final String UNAUTHENTICATED =
            "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication"
                    + " credentials.\",\"status\":\"UNAUTHENTICATED\"}}";

    private final HttpServer server;
    private final LocalToken token;
    private final int capacity;
    private final Deque<JsonNode> accepted = new ArrayDeque<>();
    private final AtomicLong ids = new AtomicLong();

    private LocalFcmReceiver(HttpServer server, LocalToken token, int capacity) {
        this.server = server;
        this.token = token;
        this.capacity = capacity;
    }

    public static LocalFcmReceiver start(String host, int port, LocalToken token)
            throws IOException {
        return start(host, port, token, DEFAULT_CAPACITY);
    }

    public static LocalFcmReceiver start(String host, int port, LocalToken token, int capacity)
            throws IOException {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        LocalFcmReceiver receiver = new LocalFcmReceiver(server, token, capacity);
        server.createContext("/v1/projects/", receiver::send);
        server.createContext("/requests", receiver::requests);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        return receiver;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void send(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        if (!"POST".equals(x.getRequestMethod()) || !path.endsWith("/messages:send")) {
            reply(x, 404, "{\"error\":{\"code\":404,\"status\":\"NOT_FOUND\"}}");
            return;
        }
        if (!authorized(x)) {
            return;
        }
        JsonNode body = Json.MAPPER.readTree(x.getRequestBody().readAllBytes());
        String token = body.path("message").path("token").asText();
        if (token.startsWith(INVALID_PREFIX)) {
            reply(
                    x,
                    404,
                    "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\","
                            + "\"status\":\"NOT_FOUND\",\"details\":[{\"@type\":"
                            + "\"type.googleapis.com/google.firebase.fcm.v1.FcmError\","
                            + "\"errorCode\":\"UNREGISTERED\"}]}}");
            return;
        }
        synchronized (accepted) {
            if (accepted.size() == capacity) {
                accepted.removeFirst();
            }
            accepted.addLast(body);
        }
        String project = path.substring("/v1/projects/".length(), path.indexOf("/messages:send"));
        reply(
                x,
                200,
                "{\"name\":\"projects/" + project + "/messages/" + ids.incrementAndGet() + "\"}");
    }

    private void requests(HttpExchange x) throws IOException {
        if (!authorized(x)) {
            return;
        }
        synchronized (accepted) {
            if ("DELETE".equals(x.getRequestMethod())) {
                accepted.clear();
                reply(x, 204, null);
                return;
            }
            reply(x, 200, Json.write(accepted));
        }
    }

    /** Whether the request carries the token; if not, it has been answered 401. */
    private boolean authorized(HttpExchange x) throws IOException {
        if (token.accepts(x.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"parley-fcm\"");
        reply(x, 401, UNAUTHENTICATED);
        return false;
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        x.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        if (body == null) {
            x.sendResponseHeaders(status, -1);
            x.close();
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

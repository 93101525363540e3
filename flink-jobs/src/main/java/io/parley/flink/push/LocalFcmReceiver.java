package io.parley.flink.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.parley.schemas.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local FCM-compatible receiver for development and tests (FCM itself is out of reach here). It
 * answers the FCM HTTP v1 {@code POST /v1/projects/<project>/messages:send} like Google does:
 * {@code {"name": "projects/<p>/messages/<n>"}} for a bearer-authenticated request, 401 without a
 * token, and {@code 404 NOT_FOUND / UNREGISTERED} for tokens starting with {@value
 * #INVALID_PREFIX}. It records every accepted request: {@code GET /requests} lists them, {@code
 * DELETE /requests} forgets them.
 */
public final class LocalFcmReceiver implements AutoCloseable {
    public static final String INVALID_PREFIX = "invalid-";

    private final HttpServer server;
    private final List<JsonNode> accepted = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    private LocalFcmReceiver(HttpServer server) {
        this.server = server;
    }

    public static LocalFcmReceiver start(String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        LocalFcmReceiver receiver = new LocalFcmReceiver(server);
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
        String auth = x.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            reply(
                    x,
                    401,
                    "{\"error\":{\"code\":401,\"message\":\"missing credentials\",\"status\":\"UNAUTHENTICATED\"}}");
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
            accepted.add(body);
        }
        String project = path.substring("/v1/projects/".length(), path.indexOf("/messages:send"));
        reply(
                x,
                200,
                "{\"name\":\"projects/" + project + "/messages/" + ids.incrementAndGet() + "\"}");
    }

    private void requests(HttpExchange x) throws IOException {
        synchronized (accepted) {
            if ("DELETE".equals(x.getRequestMethod())) {
                accepted.clear();
                reply(x, 204, null);
                return;
            }
            reply(x, 200, Json.write(accepted));
        }
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

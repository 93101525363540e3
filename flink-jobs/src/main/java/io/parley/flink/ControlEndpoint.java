package io.parley.flink;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.parley.flink.jobs.ParleyJob;
import io.parley.schemas.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cluster's control endpoint on 127.0.0.1 (the MiniCluster lives in the LocalCluster JVM,
 * so this is where a job can be cancelled and resubmitted):
 *
 * <ul>
 *   <li>{@code POST /replay?job=<id>&from=earliest|<epoch-ms>} ({@code <id>} one of {@link
 *       ParleyJob}'s: persistence, search, receipts, metrics, push, users): {@link
 *       LocalCluster#replay}; answers the cancelled and submitted job ids.
 *   <li>{@code GET /jobs}: each job's id and status.
 * </ul>
 *
 * <p>Every request needs {@code Authorization: Bearer <the local token>} ({@link LocalToken}, in
 * {@code $PARLEY_HOME/run/flink-token}); without it: 401, and nothing is done. Loopback alone is no
 * guard: any local user, and a web page through a rebinding DNS name, can reach 127.0.0.1.
 */
public final class ControlEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlEndpoint.class);

    private final HttpServer server;

    private ControlEndpoint(HttpServer server) {
        this.server = server;
    }

    public static ControlEndpoint start(LocalCluster cluster, int port, LocalToken token)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.createContext(
                "/replay",
                exchange -> {
                    if (authorized(token, exchange)) {
                        replay(cluster, exchange);
                    }
                });
        server.createContext(
                "/jobs",
                exchange -> {
                    if (authorized(token, exchange)) {
                        jobs(cluster, exchange);
                    }
                });
        server.start();
        return new ControlEndpoint(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Whether the request carries the token; if not, it has been answered 401. */
    private static boolean authorized(LocalToken token, HttpExchange exchange) throws IOException {
        if (token.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"parley-flink\"");
        respond(
                exchange,
                401,
                Map.of("error", "Authorization: Bearer <token of $PARLEY_HOME/run/flink-token>"));
        return false;
    }

    private static void replay(LocalCluster cluster, HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, Map.of("error", "use POST"));
            return;
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        ParleyJob job;
        long from;
        try {
            job = ParleyJob.byId(query.getOrDefault("job", ""));
            from = Replay.parseFrom(query.getOrDefault("from", "earliest"));
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, Map.of("error", e.getMessage()));
            return;
        }
        try {
            respond(exchange, 200, cluster.replay(job, from));
        } catch (Exception e) {
            LOG.error("replay of {} failed", job.id, e);
            respond(exchange, 500, Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    private static void jobs(LocalCluster cluster, HttpExchange exchange) throws IOException {
        try {
            Map<String, String> statuses = new LinkedHashMap<>();
            cluster.statuses().forEach((job, status) -> statuses.put(job.id, status));
            respond(exchange, 200, statuses);
        } catch (Exception e) {
            respond(exchange, 500, Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = (Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

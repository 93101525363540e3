package io.parley.edge;

import io.parley.edge.store.Backends;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Probes every dependency of the edge in parallel, each with a deadline: {@code ok} or why not. The
 * edge is healthy when all are ok.
 */
public final class HealthCheck {
    private static final long TIMEOUT_MS = 3_000;

    private final Backends backends;
    private final EdgeConfig config;
    private final ExecutorService executor;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public HealthCheck(Backends backends, EdgeConfig config, ExecutorService executor) {
        this.backends = backends;
        this.config = config;
        this.executor = executor;
    }

    /** Dependency name -> "ok" or the failure, in a stable order. */
    public Map<String, String> check() {
        Map<String, CompletableFuture<String>> probes = new LinkedHashMap<>();
        probes.put(
                "pulsar",
                probe(() -> httpOk(config.pulsarAdminUrl() + "/admin/v2/brokers/health")));
        probes.put(
                "cassandra",
                probe(
                        () -> {
                            backends.cql.execute("SELECT release_version FROM system.local");
                            return "ok";
                        }));
        probes.put("redis", probe(() -> "PONG".equals(backends.redis.ping()) ? "ok" : "no PONG"));
        probes.put(
                "elasticsearch",
                probe(() -> httpOk(config.elasticsearchUrl() + "/_cluster/health?timeout=2s")));
        probes.put(
                "s3",
                probe(
                        () -> {
                            backends.s3.headBucket(b -> b.bucket(config.s3Bucket()));
                            return "ok";
                        }));
        Map<String, String> out = new LinkedHashMap<>();
        probes.forEach(
                (name, f) -> {
                    try {
                        out.put(name, f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
                    } catch (Exception e) {
                        out.put(name, "no answer within " + TIMEOUT_MS + " ms");
                    }
                });
        return out;
    }

    private CompletableFuture<String> probe(Supplier<String> probe) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return probe.get();
                    } catch (RuntimeException e) {
                        String m = e.getMessage();
                        return e.getClass().getSimpleName()
                                + (m == null ? "" : ": " + firstLine(m));
                    }
                },
                executor);
    }

    private String httpOk(String url) {
        try {
            HttpResponse<Void> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofMillis(TIMEOUT_MS))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? "ok" : "HTTP " + r.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}

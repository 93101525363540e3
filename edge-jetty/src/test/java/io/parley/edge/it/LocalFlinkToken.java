package io.parley.edge.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bearer token of the Flink local cluster's control endpoint (127.0.0.1:8089) and local FCM
 * receiver (127.0.0.1:8090), which the cluster writes to {@code $PARLEY_HOME/run/flink-token} at
 * every start ({@code PARLEY_HOME} is exported by {@code ./parley}; from a plain {@code mvn} run in
 * this module, the repository's {@code .parley}). Read at each call: a restarted cluster has a new
 * one.
 */
final class LocalFlinkToken {
    private LocalFlinkToken() {}

    /** {@code Bearer <token>}, for the {@code Authorization} header. */
    static String authorization() throws IOException {
        String home = System.getenv("PARLEY_HOME");
        Path file =
                (home == null || home.isBlank() ? Path.of("..", ".parley") : Path.of(home))
                        .resolve("run")
                        .resolve("flink-token");
        return "Bearer " + Files.readString(file, StandardCharsets.UTF_8).trim();
    }
}

package io.parley.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The edge process as a deployment starts it ({@code java ... EdgeMain}, configured from the
 * environment): outside dev mode with a placeholder secret and the default S3 keys it must not
 * start. Every backend points at a closed port, so a process that did try to start would touch
 * nothing of the local stack.
 */
class EdgeMainTest {

    @Test
    void shouldExitNonZeroWithOneLineSayingWhyWhenTheSecretsArePublic() throws Exception {
        // Given the compose file's old defaults: dev mode off, the placeholder secret, no S3 keys
        ProcessBuilder edge =
                new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EdgeMain.class.getName());
        edge.environment().clear();
        edge.environment()
                .putAll(
                        Map.of(
                                "PARLEY_DEV_MODE", "false",
                                "PARLEY_JWT_SECRET", "change-me-change-me-change-me-change-me",
                                "PARLEY_HTTP_PORT", "0",
                                "PARLEY_HTTPS_PORT", "0",
                                "PULSAR_SERVICE_URL", "pulsar://127.0.0.1:1",
                                "PULSAR_ADMIN_URL", "http://127.0.0.1:1",
                                "REDIS_URL", "redis://127.0.0.1:1",
                                "CASSANDRA_PORT", "1",
                                "ES_URL", "http://127.0.0.1:1",
                                "S3_ENDPOINT", "http://127.0.0.1:1"));

        // When it starts
        Process process = edge.start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }

        // Then it exits non-zero at once, saying exactly why on one line
        assertThat(exited).as("the edge exits instead of starting").isTrue();
        assertThat(process.exitValue()).isNotZero();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> lines = Arrays.stream(err.split("\n")).filter(l -> !l.isBlank()).toList();
        assertThat(out).isEmpty();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .startsWith("parley edge refuses to start outside dev mode")
                .contains("PARLEY_JWT_SECRET is a well-known value")
                .contains("S3_ACCESS_KEY")
                .contains("S3_SECRET_KEY");
    }
}

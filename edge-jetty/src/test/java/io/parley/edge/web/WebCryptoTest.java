package io.parley.edge.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The web client's E2EE module (web/e2ee.js, WebCrypto) under Node's test runner: runs {@code node
 * --test src/test/js/} and fails when any of those tests fails (or node is missing).
 */
class WebCryptoTest {

    @Test
    void shouldPassTheNodeTestsOfTheWebClientsE2eeModule() throws Exception {
        // Given node on the PATH and the module directory (Maven's basedir, else the cwd)
        Path basedir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        Path tests = basedir.resolve("src/test/js");
        assertThat(tests.resolve("e2ee.test.mjs")).as("the JS tests").exists();
        Optional<Path> node = findOnPath("node");
        assertThat(node).as("node (20 or newer) on the PATH").isPresent();

        // When node's test runner runs them
        Process p =
                new ProcessBuilder(
                                List.of(
                                        node.get().toString(),
                                        "--test",
                                        tests.toString() + File.separator))
                        .directory(basedir.toFile())
                        .redirectErrorStream(true)
                        .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();

        // Then it exits 0 (its output is the failure message otherwise)
        String output = new String(out, StandardCharsets.UTF_8);
        assertThat(done).as("node --test finished within 120 s:%n%s", output).isTrue();
        assertThat(p.exitValue()).as("exit code of node --test:%n%s", output).isZero();
        assertThat(output).contains("# fail 0");
    }

    private static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            for (String candidate : List.of(name, name + ".exe")) {
                Path f = Path.of(dir, candidate);
                if (Files.isRegularFile(f) && Files.isExecutable(f)) return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}

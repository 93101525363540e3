package io.parley.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The local stack as an operator handles it: the pid files under {@code .parley/run/}, {@code kill
 * -9}, and {@code PARLEY_SKIP_BUILD=1 ./parley up|status} run from the repository root.
 */
final class ParleyStack {
    final Path root;

    ParleyStack(Path root) {
        this.root = root;
    }

    /**
     * The repository root: system property {@code parley.root}, else the nearest parent of the
     * working directory holding {@code ./parley}.
     */
    static ParleyStack locate() {
        String given = System.getProperty("parley.root");
        Path start =
                given != null && !given.isBlank()
                        ? Path.of(given)
                        : Path.of(System.getProperty("user.dir"));
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("parley"))
                    && Files.isRegularFile(p.resolve("pom.xml"))) {
                return new ParleyStack(p);
            }
        }
        throw new IllegalStateException("no ./parley in " + start + " or any parent");
    }

    long pid(String component) throws IOException {
        Path f = root.resolve(".parley/run/" + component + ".pid");
        String digits = Files.readString(f).replaceAll("[^0-9]", "");
        if (digits.isEmpty()) {
            throw new IllegalStateException(f + " holds no pid");
        }
        return Long.parseLong(digits);
    }

    /**
     * SIGKILL to the component's process and everything it started (Elasticsearch's launcher forks
     * the server JVM), all at once, like a machine losing power; returns once none lives.
     */
    List<Long> kill9(String component) throws IOException {
        long pid = pid(component);
        ProcessHandle leader =
                ProcessHandle.of(pid)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                component + " (pid " + pid + ") is not running"));
        List<ProcessHandle> all = new ArrayList<>();
        all.add(leader);
        all.addAll(leader.descendants().toList());
        all.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (all.stream().anyMatch(ProcessHandle::isAlive)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(component + " still alive 20 s after SIGKILL");
            }
            Waits.pause(Duration.ofMillis(20));
        }
        return all.stream().map(ProcessHandle::pid).toList();
    }

    /** {@code PARLEY_SKIP_BUILD=1 ./parley up}; every output line is handed over as it comes. */
    int up(Consumer<String> onLine, Duration timeout) throws Exception {
        return run(List.of("./parley", "up"), onLine, timeout);
    }

    String status() throws Exception {
        List<String> lines = new ArrayList<>();
        int rc = run(List.of("./parley", "status"), lines::add, Duration.ofSeconds(90));
        if (rc != 0) {
            throw new IllegalStateException("./parley status exited " + rc);
        }
        return lines.stream().collect(Collectors.joining("\n"));
    }

    private int run(List<String> command, Consumer<String> onLine, Duration timeout)
            throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("PARLEY_SKIP_BUILD", "1");
        Process p = pb.start();
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    p.getInputStream(), StandardCharsets.UTF_8))) {
                                for (String line; (line = r.readLine()) != null; ) {
                                    onLine.accept(line);
                                }
                            } catch (IOException e) {
                                onLine.accept("(output lost: " + e + ")");
                            }
                        },
                        "parley-output");
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            // only the script: the servers it started run in their own sessions and stay
            p.destroyForcibly();
            throw new IllegalStateException(
                    String.join(" ", command) + " did not finish in " + timeout);
        }
        reader.join(Duration.ofSeconds(5).toMillis());
        return p.exitValue();
    }
}

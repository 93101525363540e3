package io.parley.crash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A component the matrix kills with SIGKILL: its name in the matrix, the {@code ./parley} component
 * whose pid file names the process, and the component of {@code ./parley up}'s "ready in" line that
 * says it is back. The broker is back when the functions it runs are.
 */
enum Fault {
    EDGE("edge", "edge", "edge"),
    BROKER("broker", "pulsar", "functions"),
    FLINK("flink", "flink", "flink"),
    CASSANDRA("cassandra", "cassandra", "cassandra"),
    REDIS("redis", "redis", "redis"),
    ELASTICSEARCH("elasticsearch", "elasticsearch", "elasticsearch");

    /** What {@code ./parley test} runs: the faults that disturb the live path the most. */
    static final String SUBSET = "edge,broker,redis";

    final String label;
    final String component;
    final String readyAs;

    Fault(String label, String component, String readyAs) {
        this.label = label;
        this.component = component;
        this.readyAs = readyAs;
    }

    /** {@code all}, or names separated by commas (also {@code pulsar}, {@code es}), in order. */
    static List<Fault> parse(String list) {
        String spec = list == null || list.isBlank() ? SUBSET : list.trim();
        if (spec.equalsIgnoreCase("all")) {
            return List.of(values());
        }
        List<Fault> out = new ArrayList<>();
        for (String name : spec.split(",")) {
            out.add(named(name.trim().toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    private static Fault named(String name) {
        for (Fault f : values()) {
            if (f.label.equals(name) || f.component.equals(name)) {
                return f;
            }
        }
        if (name.equals("es")) {
            return ELASTICSEARCH;
        }
        throw new IllegalArgumentException(
                "unknown fault '"
                        + name
                        + "'; known: all, "
                        + String.join(", ", Arrays.stream(values()).map(f -> f.label).toList()));
    }
}

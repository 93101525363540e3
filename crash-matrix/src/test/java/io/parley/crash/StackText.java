package io.parley.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code ./parley} prints, read: the component a line of {@code up} says is ready ({@code "
 * pulsar ready in 33.1s (log ...)"}), and what {@code status} says is not.
 */
final class StackText {
    private static final Pattern READY =
            Pattern.compile("^\\s*(\\S+)\\s+ready in\\s+[0-9.]+s\\b.*");
    private static final Pattern COMPONENT =
            Pattern.compile(
                    "^\\s*(\\S+)\\s+(running \\(pid \\d+\\)|stopped)\\s+(ready|not ready)\\b.*");
    private static final Pattern FUNCTION =
            Pattern.compile("^\\s*fn (\\S+)\\s+(?:(\\d+) instance\\(s\\) running|not deployed).*");

    private StackText() {}

    /** The component an {@code up} line reports ready, if it is such a line. */
    static Optional<String> readyComponent(String line) {
        Matcher m = READY.matcher(line);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * The components {@code status} shows stopped or not ready, and the functions with no running
     * instance; {@code "functions"} when it lists none (the worker did not answer).
     */
    static List<String> notReady(String status) {
        List<String> out = new ArrayList<>();
        int components = 0;
        int functions = 0;
        for (String line : status.split("\n")) {
            Matcher f = FUNCTION.matcher(line);
            if (f.matches()) {
                functions++;
                if (f.group(2) == null || Integer.parseInt(f.group(2)) < 1) {
                    out.add("fn " + f.group(1));
                }
                continue;
            }
            Matcher c = COMPONENT.matcher(line);
            if (c.matches()) {
                components++;
                if (!c.group(2).startsWith("running") || !c.group(3).equals("ready")) {
                    out.add(c.group(1));
                }
            }
        }
        if (components == 0) {
            out.add("status printed no component");
        }
        if (functions == 0) {
            out.add("functions");
        }
        return out;
    }
}

package io.parley.crash;

import java.util.List;
import java.util.Map;

/**
 * What one fault cost: its outage and every heal figure, measured from the component being back.
 */
record FaultResult(
        Fault fault,
        long outageMs,
        Map<String, Long> readyAfterKillMs,
        Heal.Figure resumed,
        Heal.Figure outageAcked,
        Heal.Figure prompt,
        Heal.Figure history,
        Heal.Figure search,
        Heal.Figure healthz,
        long slowestOkHealthzMs,
        long upMs,
        Map<String, Long> errors,
        List<String> problems) {

    /** The aim of issue 10: every part healed within this after the component is back. */
    static final long AIM_MS = 10_000;

    static final String HEADER =
            "| fault | outage (kill -> ready) | last client resumed | outage's sends acked | ticks"
                    + " prompt again | history converged | search converged | /healthz 200 again"
                    + " (slowest 200) |\n"
                    + "|---|---|---|---|---|---|---|---|";

    List<Heal.Figure> figures() {
        return List.of(resumed, outageAcked, prompt, history, search, healthz);
    }

    boolean healed() {
        return problems.isEmpty() && figures().stream().allMatch(Heal.Figure::done);
    }

    boolean withinAim() {
        return healed()
                && figures().stream()
                        .allMatch(f -> f.state() != Heal.Figure.State.HEALED || f.ms() <= AIM_MS);
    }

    /** One Markdown table row; figures are seconds after the component was back. */
    String row() {
        return String.format(
                "| %s | %.1f s | %s | %s | %s | %s | %s | %s (%.1f s) |",
                fault.label,
                outageMs / 1000.0,
                resumed.format(),
                outageAcked.format(),
                prompt.format(),
                history.format(),
                search.format(),
                healthz.format(),
                slowestOkHealthzMs / 1000.0);
    }
}

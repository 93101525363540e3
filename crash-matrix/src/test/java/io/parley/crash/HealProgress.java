package io.parley.crash;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The heal figures of one fault as they come in: recomputed from the clients' records on every
 * {@link #observe}, and history and search read again (at most once a second) until they hold the
 * outage's sends.
 */
final class HealProgress {
    private final Chat chat;
    private final HealthWatch health;
    private final RunClock clock;
    private final Heal.Window window;
    Heal.Figure resumed = Heal.Figure.pending();
    Heal.Figure outageAcked = Heal.Figure.pending();
    Heal.Figure prompt = Heal.Figure.pending();
    Heal.Figure healthz = Heal.Figure.pending();
    Heal.Figure history = Heal.Figure.pending();
    Heal.Figure search = Heal.Figure.pending();
    private long lastRead = -1;

    /** Why history has not converged yet, as of its last read. */
    String historyLag = "";

    HealProgress(Chat chat, HealthWatch health, RunClock clock, Heal.Window window) {
        this.chat = chat;
        this.health = health;
        this.clock = clock;
        this.window = window;
    }

    void observe() {
        long now = clock.getAsLong();
        List<Ledger.Timing> since = sends();
        resumed = Heal.lastResumed(window, chat.times());
        outageAcked = Heal.outageAcked(window, since);
        prompt = Heal.ackedAgain(window, since, now);
        healthz = Heal.healthzOk(window, health.since(window.killedAt()));
        if ((history.done() && search.done()) || (lastRead >= 0 && now - lastRead < 1_000)) {
            return;
        }
        lastRead = now;
        List<Ledger.Timing> cohort = Heal.cohort(window, since);
        if (!history.done() && inHistory(cohort)) {
            history = converged(cohort);
        }
        if (!search.done() && searched(cohort)) {
            search = converged(cohort);
        }
    }

    boolean done() {
        return figures().stream().allMatch(Heal.Figure::done);
    }

    List<Heal.Figure> figures() {
        return List.of(resumed, outageAcked, prompt, healthz, history, search);
    }

    List<Ledger.Timing> sends() {
        return chat.ledger.sendsSince(window.killedAt() - Heal.IN_FLIGHT_MS);
    }

    private Heal.Figure converged(List<Ledger.Timing> cohort) {
        return cohort.isEmpty()
                ? Heal.Figure.undisturbed()
                : Heal.Figure.healed(clock.getAsLong() - window.backAt());
    }

    /** The outage's sends all ticked and all in their rooms' history. */
    private boolean inHistory(List<Ledger.Timing> cohort) {
        Map<String, List<Ledger.Timing>> byRoom = new LinkedHashMap<>();
        for (Ledger.Timing t : cohort) {
            if (!t.acked()) {
                return false;
            }
            byRoom.computeIfAbsent(t.key().room(), r -> new ArrayList<>()).add(t);
        }
        for (Map.Entry<String, List<Ledger.Timing>> e : byRoom.entrySet()) {
            long from = e.getValue().stream().mapToLong(Ledger.Timing::seq).min().orElseThrow();
            long to = e.getValue().stream().mapToLong(Ledger.Timing::seq).max().orElseThrow();
            List<Ledger.HistoryEntry> read =
                    chat.probes.history(chat.tokenIn(e.getKey()), e.getKey(), from, to);
            if (read == null) {
                historyLag = "history of " + e.getKey() + " did not answer";
                return false;
            }
            Map<Long, Ledger.HistoryEntry> bySeq = new HashMap<>();
            read.forEach(h -> bySeq.put(h.seq(), h));
            List<String> missing = chat.ledger.missingFromHistory(e.getKey(), e.getValue(), bySeq);
            if (!missing.isEmpty()) {
                historyLag = String.join("; ", missing);
                return false;
            }
        }
        return true;
    }

    /** Search finds the newest outage send of every room (searched by its sender). */
    private boolean searched(List<Ledger.Timing> cohort) {
        Map<String, Ledger.Timing> newest = new LinkedHashMap<>();
        cohort.forEach(t -> newest.put(t.key().room(), t));
        for (Ledger.Timing t : newest.values()) {
            if (!t.acked()
                    || !chat.probes.finds(chat.token(t.key().sender()), t.word(), t.msgId())) {
                return false;
            }
        }
        return true;
    }
}

package io.parley.crash;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One fault under steady load: wait for a steady state, SIGKILL the component, leave it dead for a
 * moment, bring it back as an operator would ({@code PARLEY_SKIP_BUILD=1 ./parley up}), and follow
 * the heal until clients resumed, sends are ticked promptly again, the outage's sends are in
 * history and its samples are found by search, or until the bound passes.
 */
final class FaultRun {
    private static final Duration UP_LIMIT = Duration.ofMinutes(8);
    private static final Duration TAIL = Duration.ofSeconds(3);

    private final ParleyStack stack;
    private final Chat chat;
    private final HealthWatch health;
    private final RunClock clock;
    private final Settings settings;

    FaultRun(ParleyStack stack, Chat chat, HealthWatch health, RunClock clock, Settings settings) {
        this.stack = stack;
        this.chat = chat;
        this.health = health;
        this.clock = clock;
        this.settings = settings;
    }

    FaultResult run(Fault fault) throws Exception {
        List<String> problems = new ArrayList<>();
        say(fault, "waiting for a steady state");
        if (!Waits.until(Duration.ofSeconds(120), this::steady)) {
            problems.add("not steady before the kill (clients not all live, or sends held up)");
        }
        Waits.pause(settings.warm());
        Map<String, Long> errorsBefore = chat.errors();

        long killedAt = clock.getAsLong();
        List<Long> pids = stack.kill9(fault.component);
        say(fault, "kill -9 " + fault.component + " " + pids);
        Waits.pause(settings.down());

        Map<String, Long> ready = new ConcurrentHashMap<>();
        AtomicLong backAt = new AtomicLong(-1);
        long upStart = clock.getAsLong();
        say(fault, "PARLEY_SKIP_BUILD=1 ./parley up");
        CompletableFuture<Integer> up =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return stack.up(
                                        line -> {
                                            long t = clock.getAsLong();
                                            System.out.printf(
                                                    "    +%5.1f s  %s%n",
                                                    (t - killedAt) / 1000.0, line);
                                            StackText.readyComponent(line)
                                                    .ifPresent(
                                                            c -> {
                                                                ready.putIfAbsent(c, t - killedAt);
                                                                if (c.equals(fault.readyAs)) {
                                                                    backAt.compareAndSet(-1, t);
                                                                }
                                                            });
                                        },
                                        UP_LIMIT);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });

        Heal.Figure resumed = Heal.Figure.pending();
        Heal.Figure acked = Heal.Figure.pending();
        Heal.Figure healthz = Heal.Figure.pending();
        Heal.Figure history = Heal.Figure.pending();
        Heal.Figure search = Heal.Figure.pending();
        long upMs = -1;
        long lastRead = -1; // no read yet
        while (true) {
            long now = clock.getAsLong();
            if (up.isDone() && upMs < 0) {
                upMs = now - upStart;
                int rc = exitOf(up, problems);
                if (rc != 0) {
                    problems.add("./parley up exited " + rc);
                    break;
                }
                if (backAt.get() < 0) {
                    // no ready line for it (the output changed?): up's end is the latest it was
                    // back
                    problems.add("./parley up printed no '" + fault.readyAs + " ready' line");
                    backAt.set(now);
                }
            }
            if (backAt.get() < 0) {
                if (now - upStart > UP_LIMIT.toMillis()) {
                    problems.add(fault.component + " not back within " + UP_LIMIT);
                    break;
                }
                Waits.pause(Duration.ofMillis(250));
                continue;
            }
            Heal.Window w = new Heal.Window(killedAt, backAt.get());
            List<Ledger.Timing> since = chat.ledger.sendsSince(killedAt - Heal.IN_FLIGHT_MS);
            resumed = Heal.lastResumed(w, chat.times());
            acked = Heal.ackedAgain(w, since, now);
            healthz = Heal.healthzOk(w, health.since(killedAt));
            if ((lastRead < 0 || now - lastRead >= 1_000) && (!history.done() || !search.done())) {
                lastRead = now;
                List<Ledger.Timing> cohort = Heal.cohort(w, since);
                if (!history.done() && inHistory(cohort)) {
                    history =
                            cohort.isEmpty()
                                    ? Heal.Figure.undisturbed()
                                    : Heal.Figure.healed(clock.getAsLong() - w.backAt());
                }
                if (!search.done() && searched(cohort)) {
                    search =
                            cohort.isEmpty()
                                    ? Heal.Figure.undisturbed()
                                    : Heal.Figure.healed(clock.getAsLong() - w.backAt());
                }
            }
            if (upMs >= 0
                    && List.of(resumed, acked, healthz, history, search).stream()
                            .allMatch(Heal.Figure::done)) {
                break;
            }
            if (now - w.backAt() > settings.healLimit().toMillis()) {
                problems.add(
                        "not healed within "
                                + settings.healLimit()
                                + " after "
                                + fault.readyAs
                                + " was back");
                break;
            }
            Waits.pause(Duration.ofMillis(250));
        }
        if (problems.isEmpty()) {
            // a little more load: a tick still held up now would move "sends acked again"
            Waits.pause(TAIL);
            Heal.Window w = new Heal.Window(killedAt, backAt.get());
            resumed = Heal.lastResumed(w, chat.times());
            acked =
                    Heal.ackedAgain(
                            w,
                            chat.ledger.sendsSince(killedAt - Heal.IN_FLIGHT_MS),
                            clock.getAsLong());
            healthz = Heal.healthzOk(w, health.since(killedAt));
            List<String> notReady = StackText.notReady(stack.status());
            if (!notReady.isEmpty()) {
                problems.add("./parley status after the heal: not ready " + notReady);
            }
        }
        long back = backAt.get();
        if (back >= 0) {
            Heal.heldUp(
                            new Heal.Window(killedAt, back),
                            chat.ledger.sendsSince(killedAt - Heal.IN_FLIGHT_MS),
                            clock.getAsLong(),
                            5)
                    .forEach(h -> say(fault, "held up: " + h));
        }
        return new FaultResult(
                fault,
                back < 0 ? -1 : back - killedAt,
                new TreeMap<>(ready),
                resumed,
                acked,
                history,
                search,
                healthz,
                Heal.slowestOkHealthz(
                        new Heal.Window(killedAt, Math.max(back, killedAt)),
                        health.since(killedAt)),
                upMs,
                difference(chat.errors(), errorsBefore),
                problems);
    }

    /** Every member live and no send of the last half minute held up. */
    private boolean steady() {
        long now = clock.getAsLong();
        return chat.allLive()
                && Heal.ackedAgain(
                                new Heal.Window(now - 30_000, now),
                                chat.ledger.sendsSince(now - 30_000),
                                now)
                        .done();
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
                return false;
            }
            Map<Long, Ledger.HistoryEntry> bySeq = new HashMap<>();
            read.forEach(h -> bySeq.put(h.seq(), h));
            if (!chat.ledger.missingFromHistory(e.getKey(), e.getValue(), bySeq).isEmpty()) {
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

    private static int exitOf(CompletableFuture<Integer> up, List<String> problems) {
        try {
            return up.join();
        } catch (RuntimeException e) {
            problems.add("./parley up failed: " + e.getMessage());
            return -1;
        }
    }

    private static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach(
                (k, v) -> {
                    long d = v - before.getOrDefault(k, 0L);
                    if (d > 0) {
                        out.put(k, d);
                    }
                });
        return out;
    }

    private void say(Fault fault, String what) {
        System.out.printf(
                "[crash %s +%s] %s%n", fault.label, RunClock.seconds(clock.getAsLong()), what);
    }
}

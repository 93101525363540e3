package io.parley.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One fault under steady load: wait for a steady state, SIGKILL the component, leave it dead for a
 * moment, bring it back as an operator would ({@link OperatorUp}), and follow the heal ({@link
 * HealProgress}) until every figure is in, or until the bound after the component was back passes.
 */
final class FaultRun {
    private static final Duration STEADY = Duration.ofSeconds(120);
    private static final Duration TAIL = Duration.ofSeconds(3);

    private final ParleyStack stack;
    private final Chat chat;
    private final HealthWatch health;
    private final RunClock clock;
    private final Settings settings;
    private long upDuration = -1;

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
        if (!Waits.until(STEADY, this::steady)) {
            problems.add("not steady before the kill (clients not all live, or sends held up)");
        }
        Waits.pause(settings.warm());
        Map<String, Long> errorsBefore = chat.errors();

        long killedAt = clock.getAsLong();
        say(fault, "kill -9 " + fault.component + " " + stack.kill9(fault.component));
        Waits.pause(settings.down());
        say(fault, "PARLEY_SKIP_BUILD=1 ./parley up");
        OperatorUp up = new OperatorUp(stack, fault, killedAt, clock);

        awaitBack(fault, up, problems);
        HealProgress heal = null;
        if (up.backAt() >= 0 && problems.isEmpty()) {
            heal = new HealProgress(chat, health, clock, new Heal.Window(killedAt, up.backAt()));
            follow(fault, up, heal, problems);
        }
        if (heal != null && problems.isEmpty()) {
            // a little more load: a tick still held up now would move "ticks prompt again"
            Waits.pause(TAIL);
            heal.observe();
            List<String> notReady = StackText.notReady(stack.status());
            if (!notReady.isEmpty()) {
                problems.add("./parley status after the heal: not ready " + notReady);
            }
        }
        if (heal == null) {
            heal = new HealProgress(chat, health, clock, new Heal.Window(killedAt, killedAt));
        }
        Heal.Window w = new Heal.Window(killedAt, Math.max(up.backAt(), killedAt));
        Heal.heldUp(w, heal.sends(), clock.getAsLong(), 5)
                .forEach(h -> say(fault, "held up: " + h));
        writeSends(fault, killedAt, heal.sends());
        return new FaultResult(
                fault,
                up.backAt() < 0 ? -1 : up.backAt() - killedAt,
                up.readyAfterKill(),
                heal.resumed,
                heal.outageAcked,
                heal.prompt,
                heal.history,
                heal.search,
                heal.healthz,
                Heal.slowestOkHealthz(w, health.since(killedAt)),
                upDuration,
                difference(chat.errors(), errorsBefore),
                problems);
    }

    /** Until the component is back, or {@code up} failed or took too long. */
    private void awaitBack(Fault fault, OperatorUp up, List<String> problems) {
        while (up.backAt() < 0) {
            if (up.done()) {
                noteExit(fault, up, problems);
                return;
            }
            if (clock.getAsLong() - up.startedAt > OperatorUp.LIMIT.toMillis()) {
                problems.add(fault.component + " not back within " + OperatorUp.LIMIT);
                return;
            }
            Waits.pause(Duration.ofMillis(250));
        }
    }

    /** Observes the heal every 250 ms until up has ended and every figure is in, or the bound. */
    private void follow(Fault fault, OperatorUp up, HealProgress heal, List<String> problems) {
        while (true) {
            if (up.done() && upDuration < 0 && !noteExit(fault, up, problems)) {
                return;
            }
            heal.observe();
            if (up.done() && heal.done()) {
                return;
            }
            if (clock.getAsLong() - up.backAt() > settings.healLimit().toMillis()) {
                if (!heal.history.done()) {
                    problems.add("history not converged: " + heal.historyLag);
                }
                problems.add(
                        "not healed within "
                                + settings.healLimit()
                                + " after "
                                + fault.readyAs
                                + " was back");
                return;
            }
            Waits.pause(Duration.ofMillis(250));
        }
    }

    /** Records how long up took; false (with the problem) when it did not exit 0. */
    private boolean noteExit(Fault fault, OperatorUp up, List<String> problems) {
        if (upDuration >= 0) {
            return true;
        }
        upDuration = clock.getAsLong() - up.startedAt;
        int rc = up.exitCode();
        if (rc != 0) {
            problems.add("./parley up exited " + rc);
            return false;
        }
        if (up.backAt() < 0) {
            problems.add("./parley up printed no '" + fault.readyAs + " ready' line");
            up.backAtLatest(clock.getAsLong());
        }
        return true;
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

    /**
     * Every send of the fault as CSV (ms since the kill: made, ticked or -1, tries) under {@code
     * target/crash-matrix/}, to see where the time went.
     */
    private void writeSends(Fault fault, long killedAt, List<Ledger.Timing> sends) {
        StringBuilder csv = new StringBuilder("room,sender,made_ms,ticked_ms,tries\n");
        for (Ledger.Timing t : sends) {
            csv.append(t.key().room())
                    .append(',')
                    .append(t.key().sender())
                    .append(',')
                    .append(t.createdAt() - killedAt)
                    .append(',')
                    .append(t.acked() ? t.ackedAt() - killedAt : -1)
                    .append(',')
                    .append(t.tries())
                    .append('\n');
        }
        try {
            Path dir = Files.createDirectories(Path.of("target", "crash-matrix"));
            Files.writeString(dir.resolve(fault.label + "-sends.csv"), csv);
        } catch (IOException e) {
            say(fault, "could not write the sends' CSV: " + e);
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

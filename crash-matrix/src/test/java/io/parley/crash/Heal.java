package io.parley.crash;

import java.util.List;
import java.util.OptionalLong;

/**
 * How long a fault took to heal, measured from the moment the killed component was back (its
 * readiness probe passed), from what the clients and probes recorded. Times are milliseconds on the
 * run's clock; a figure is negative when that part healed before the component was back.
 */
final class Heal {
    /** A tick later than this after its send was made counts as the send being held up. */
    static final long SLOW_ACK_MS = 2_000;

    /** Sends made this long before the kill may have been in flight when it came. */
    static final long IN_FLIGHT_MS = 1_000;

    private Heal() {}

    /** When the component was killed, and when it was back. */
    record Window(long killedAt, long backAt) {
        long outage() {
            return backAt - killedAt;
        }
    }

    /** One heal figure. */
    record Figure(State state, long ms) {
        enum State {
            HEALED,
            UNDISTURBED,
            PENDING
        }

        static Figure healed(long ms) {
            return new Figure(State.HEALED, ms);
        }

        static Figure undisturbed() {
            return new Figure(State.UNDISTURBED, 0);
        }

        static Figure pending() {
            return new Figure(State.PENDING, 0);
        }

        boolean done() {
            return state != State.PENDING;
        }

        String format() {
            return switch (state) {
                case HEALED -> String.format("%.1f s", ms / 1000.0);
                case UNDISTURBED -> "undisturbed";
                case PENDING -> "NOT HEALED";
            };
        }
    }

    /** A client's cut-offs (connection lost) and completed resumes. */
    record ClientTimes(List<Long> disconnects, List<Long> resumes) {
        OptionalLong lastDisconnectSince(long t) {
            return disconnects.stream().mapToLong(Long::longValue).filter(d -> d >= t).max();
        }

        OptionalLong firstResumeAfter(long t) {
            return resumes.stream().mapToLong(Long::longValue).filter(r -> r >= t).min();
        }
    }

    /**
     * One answer of {@code GET /healthz}: when it was asked, whether it said 200, how long it took.
     */
    record HealthSample(long at, boolean ok, long latencyMs) {}

    /**
     * Last client resumed = max over clients cut off since the kill of (their first {@code resumed}
     * after their last cut-off) - back; pending while one of them has not resumed.
     */
    static Figure lastResumed(Window w, List<ClientTimes> clients) {
        long last = Long.MIN_VALUE;
        for (ClientTimes c : clients) {
            OptionalLong cut = c.lastDisconnectSince(w.killedAt());
            if (cut.isEmpty()) {
                continue;
            }
            OptionalLong resumed = c.firstResumeAfter(cut.getAsLong());
            if (resumed.isEmpty()) {
                return Figure.pending();
            }
            last = Math.max(last, resumed.getAsLong());
        }
        return last == Long.MIN_VALUE ? Figure.undisturbed() : Figure.healed(last - w.backAt());
    }

    /**
     * Outage sends acked = the last tick of a send made from just before the kill until the
     * component was back - back; pending while one of them has no tick.
     */
    static Figure outageAcked(Window w, List<Ledger.Timing> sends) {
        long last = Long.MIN_VALUE;
        for (Ledger.Timing s : cohort(w, sends)) {
            if (!s.acked()) {
                return Figure.pending();
            }
            last = Math.max(last, s.ackedAt());
        }
        return last == Long.MIN_VALUE ? Figure.undisturbed() : Figure.healed(last - w.backAt());
    }

    /**
     * Ticks prompt again = the last tick that came more than {@link #SLOW_ACK_MS} after its send
     * was made (of sends made since just before the kill) - back: from then on every send was
     * ticked promptly. Pending while such a send still waits longer than that.
     */
    static Figure ackedAgain(Window w, List<Ledger.Timing> sends, long now) {
        long last = Long.MIN_VALUE;
        for (Ledger.Timing s : sends) {
            if (s.createdAt() < w.killedAt() - IN_FLIGHT_MS) {
                continue;
            }
            if (!s.acked()) {
                if (now - s.createdAt() > SLOW_ACK_MS) {
                    return Figure.pending();
                }
                continue;
            }
            if (s.ackedAt() - s.createdAt() > SLOW_ACK_MS) {
                last = Math.max(last, s.ackedAt());
            }
        }
        return last == Long.MIN_VALUE ? Figure.undisturbed() : Figure.healed(last - w.backAt());
    }

    /**
     * The {@code n} sends held up last (unticked past {@link #SLOW_ACK_MS}, or ticked after it),
     * latest first, as "room/sender made +x s, ticked +y s after n tries" relative to the kill.
     */
    static List<String> heldUp(Window w, List<Ledger.Timing> sends, long now, int n) {
        return sends.stream()
                .filter(s -> s.createdAt() >= w.killedAt() - IN_FLIGHT_MS)
                .filter(s -> (s.acked() ? s.ackedAt() : now) - s.createdAt() > SLOW_ACK_MS)
                .sorted(
                        java.util.Comparator.comparingLong(
                                        (Ledger.Timing s) ->
                                                s.acked() ? s.ackedAt() : Long.MAX_VALUE)
                                .reversed())
                .limit(n)
                .map(
                        s ->
                                String.format(
                                        "%s/%s made %+.1f s, %s",
                                        s.key().room(),
                                        s.key().sender(),
                                        (s.createdAt() - w.killedAt()) / 1000.0,
                                        s.acked()
                                                ? String.format(
                                                        "ticked %+.1f s after %d tries",
                                                        (s.ackedAt() - w.killedAt()) / 1000.0,
                                                        s.tries())
                                                : "not ticked"))
                .toList();
    }

    /** The sends of the outage: made from just before the kill until the component was back. */
    static List<Ledger.Timing> cohort(Window w, List<Ledger.Timing> sends) {
        return sends.stream()
                .filter(s -> s.createdAt() >= w.killedAt() - IN_FLIGHT_MS)
                .filter(s -> s.createdAt() <= w.backAt())
                .toList();
    }

    /**
     * {@code /healthz} ok again = the first 200 after the last failed answer since the kill - back;
     * pending while the last answer failed.
     */
    static Figure healthzOk(Window w, List<HealthSample> samples) {
        long lastFailure = Long.MIN_VALUE;
        for (HealthSample s : samples) {
            if (s.at() >= w.killedAt() && !s.ok()) {
                lastFailure = Math.max(lastFailure, s.at());
            }
        }
        if (lastFailure == Long.MIN_VALUE) {
            return Figure.undisturbed();
        }
        for (HealthSample s : samples) {
            if (s.at() > lastFailure && s.ok()) {
                return Figure.healed(s.at() - w.backAt());
            }
        }
        return Figure.pending();
    }

    /**
     * The slowest {@code /healthz} answer since the kill that said 200 (a slow ok still fails a 2 s
     * probe).
     */
    static long slowestOkHealthz(Window w, List<HealthSample> samples) {
        return samples.stream()
                .filter(s -> s.at() >= w.killedAt() && s.ok())
                .mapToLong(HealthSample::latencyMs)
                .max()
                .orElse(0);
    }
}

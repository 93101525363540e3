package io.parley.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's crash matrix: under steady chat load (members that retry unticked sends by {@code
 * client_msg_id} and resume from their last contiguous seq), SIGKILL one component at a time, bring
 * it back with {@code PARLEY_SKIP_BUILD=1 ./parley up}, and measure the heal; afterwards every
 * acked send is at every member and in history, no seq has a gap or names two sends, no retry got a
 * new seq, every client resumed and search found the outages' samples.
 *
 * <p>Faults from {@code -Dcrash.faults} (default {@value Fault#SUBSET}; {@code all} for the six),
 * options in {@link Settings}. It kills the shared servers: it runs last in the build and leaves
 * the stack up and ready.
 */
class CrashMatrixIT {
    private static final Duration DRAIN = Duration.ofSeconds(90);

    @Test
    void shouldHealFromEveryKilledComponentWithEveryAckedSendEverywhereUnderOneSeq()
            throws Exception {
        Settings settings = Settings.fromSystemProperties();
        List<Fault> faults = Fault.parse(settings.faults());
        ParleyStack stack = ParleyStack.locate();
        RunClock clock = new RunClock();
        List<FaultResult> results = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        System.out.printf(
                "crash matrix %s: %d msg/s over %d rooms of %d, stack at %s%n",
                faults, settings.rate(), settings.rooms(), settings.members(), stack.root);
        try {
            // anything `up` would restart (a jar rebuilt since) restarts now, not inside a fault
            bringUp(stack, "before the matrix");
            try (Chat chat = Chat.open(settings, clock);
                    HealthWatch health = new HealthWatch(chat.probes, clock)) {
                chat.load.start(settings.rate());
                for (Fault fault : faults) {
                    FaultResult r = new FaultRun(stack, chat, health, clock, settings).run(fault);
                    results.add(r);
                    report(r);
                    if (!r.healed()) {
                        break;
                    }
                }
                List<String> last = new FinalCheck(chat).run(DRAIN);
                last.forEach(p -> System.out.println("  PROBLEM after the matrix: " + p));
                problems.addAll(last);
                System.out.printf(
                        "load: %d messages made, %d turns skipped (outbox full); errors %s%n",
                        chat.load.made(), chat.load.skipped(), chat.errors());
            }
        } finally {
            problems.addAll(leaveReady(stack));
            System.out.println(FaultResult.HEADER);
            results.forEach(r -> System.out.println(r.row()));
        }
        assertThat(results).hasSize(faults.size());
        assertThat(results).allSatisfy(r -> assertThat(r.problems()).as(r.fault().label).isEmpty());
        assertThat(results)
                .allSatisfy(r -> assertThat(r.healed()).as(r.fault().label + " healed").isTrue());
        assertThat(problems).isEmpty();
    }

    private static void report(FaultResult r) {
        System.out.println(FaultResult.HEADER);
        System.out.println(r.row());
        System.out.printf(
                "  ready after the kill: %s; up took %s; errors during the fault %s; %s%n",
                r.readyAfterKillMs(),
                RunClock.seconds(r.upMs()),
                r.errors(),
                r.withinAim() ? "within the 10 s aim" : "NOT within the 10 s aim");
        r.problems().forEach(p -> System.out.println("  PROBLEM: " + p));
    }

    private static void bringUp(ParleyStack stack, String when) throws Exception {
        System.out.println("PARLEY_SKIP_BUILD=1 ./parley up (" + when + ")");
        int rc = stack.up(line -> System.out.println("    " + line), Duration.ofMinutes(8));
        assertThat(rc).as("./parley up " + when).isZero();
    }

    /** The stack as the matrix found it: every component ready, bringing it up once if not. */
    private static List<String> leaveReady(ParleyStack stack) {
        try {
            List<String> notReady = StackText.notReady(stack.status());
            if (notReady.isEmpty()) {
                return List.of();
            }
            System.out.println("not ready after the matrix: " + notReady);
            bringUp(stack, "after the matrix");
            notReady = StackText.notReady(stack.status());
            return notReady.isEmpty() ? List.of() : List.of("left not ready: " + notReady);
        } catch (Exception | AssertionError e) {
            return List.of("could not bring the stack up after the matrix: " + e);
        }
    }
}

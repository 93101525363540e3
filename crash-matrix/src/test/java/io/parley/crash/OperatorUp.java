package io.parley.crash;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The operator's {@code PARLEY_SKIP_BUILD=1 ./parley up} after a kill, running in the background:
 * its lines are printed with the time since the kill, and the first "ready in" line of each
 * component is kept; the fault's component is back at its line.
 */
final class OperatorUp {
    static final Duration LIMIT = Duration.ofMinutes(8);

    private final Map<String, Long> readyAfterKill = new ConcurrentHashMap<>();
    private final AtomicLong backAt = new AtomicLong(-1);
    private final CompletableFuture<Integer> exit;
    final long startedAt;

    OperatorUp(ParleyStack stack, Fault fault, long killedAt, LongSupplier clock) {
        startedAt = clock.getAsLong();
        exit =
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
                                                    .ifPresent(c -> ready(fault, c, t, killedAt));
                                        },
                                        LIMIT);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
    }

    private void ready(Fault fault, String component, long t, long killedAt) {
        readyAfterKill.putIfAbsent(component, t - killedAt);
        if (component.equals(fault.readyAs)) {
            backAt.compareAndSet(-1, t);
        }
    }

    boolean done() {
        return exit.isDone();
    }

    /** Its exit code once done; -1 when it could not run or was stopped at {@link #LIMIT}. */
    int exitCode() {
        try {
            return exit.join();
        } catch (RuntimeException e) {
            System.out.println("  ./parley up failed: " + e.getMessage());
            return -1;
        }
    }

    /** When the fault's component was reported ready; -1 until then. */
    long backAt() {
        return backAt.get();
    }

    /**
     * For an {@code up} that printed no line for the component: its end is the latest it was back.
     */
    void backAtLatest(long t) {
        backAt.compareAndSet(-1, t);
    }

    Map<String, Long> readyAfterKill() {
        return new TreeMap<>(readyAfterKill);
    }
}

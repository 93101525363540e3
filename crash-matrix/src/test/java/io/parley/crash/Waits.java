package io.parley.crash;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waiting with a deadline: every wait of the matrix is bounded, so a stack that does not heal fails
 * the test instead of hanging it.
 */
final class Waits {
    private Waits() {}

    /** Polls {@code done} every 100 ms; false if it did not hold within {@code timeout}. */
    static boolean until(Duration timeout, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause(Duration.ofMillis(100));
        }
        return true;
    }

    /** A fixed stretch of steady load (not a wait for a condition). */
    static void pause(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}

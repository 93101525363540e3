package io.parley.edge.it;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** Asks again until an answer satisfies a condition or the timeout passes. */
final class Polling {
    private static final long PAUSE_NANOS = Duration.ofMillis(250).toNanos();

    private Polling() {}

    /** A question that may throw. */
    interface Ask<T> {
        T get() throws Exception;
    }

    /** The first answer that satisfies {@code done}, or the last one asked before the timeout. */
    static <T> T until(Duration timeout, Ask<T> ask, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = ask.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(PAUSE_NANOS);
            last = ask.get();
        }
        return last;
    }
}

package io.parley.crash;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Steady load: {@code rate} new messages a second over all members in turn, and every member's
 * connection upkeep every 100 ms. A member whose outbox is full skips its turn (counted).
 */
final class Load implements AutoCloseable {
    private final List<Member> members;
    private final LongSupplier clock;
    private final String run;
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    private final ScheduledExecutorService upkeep = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong made = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile boolean sending;

    Load(List<Member> members, LongSupplier clock, String run) {
        this.members = members;
        this.clock = clock;
        this.run = run;
        upkeep.scheduleWithFixedDelay(this::tickAll, 0, 100, TimeUnit.MILLISECONDS);
    }

    /** Starts making messages at {@code rate} per second. */
    void start(int rate) {
        sending = true;
        AtomicLong turn = new AtomicLong();
        sender.scheduleAtFixedRate(
                () -> {
                    if (!sending) {
                        return;
                    }
                    long n = turn.getAndIncrement();
                    Member m = members.get((int) (n % members.size()));
                    // a word of letters and digits only: one token for the search index
                    String word = "cm" + run + "n" + n;
                    if (m.send(run + "-" + n, word, clock.getAsLong())) {
                        made.incrementAndGet();
                    } else {
                        skipped.incrementAndGet();
                    }
                },
                0,
                1_000_000_000L / rate,
                TimeUnit.NANOSECONDS);
    }

    /** No new messages from now on; upkeep (retries, reconnects) goes on. */
    void stopSending() {
        sending = false;
        sender.shutdown();
    }

    long made() {
        return made.get();
    }

    long skipped() {
        return skipped.get();
    }

    private void tickAll() {
        long now = clock.getAsLong();
        for (Member m : members) {
            try {
                m.tick(now);
            } catch (RuntimeException e) {
                System.out.println("  upkeep of " + m.user + " failed: " + e);
            }
        }
    }

    @Override
    public void close() {
        sending = false;
        sender.shutdownNow();
        upkeep.shutdownNow();
    }
}

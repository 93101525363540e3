package io.parley.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** Asks the edge's {@code /healthz} every 500 ms (one at a time) and keeps every answer. */
final class HealthWatch implements AutoCloseable {
    private final List<Heal.HealthSample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    HealthWatch(Probes probes, LongSupplier clock) {
        thread =
                new Thread(
                        () -> {
                            while (running) {
                                Heal.HealthSample s = probes.healthz(clock);
                                synchronized (samples) {
                                    samples.add(s);
                                }
                                Waits.pause(java.time.Duration.ofMillis(500));
                            }
                        },
                        "healthz-watch");
        thread.setDaemon(true);
        thread.start();
    }

    List<Heal.HealthSample> since(long t) {
        synchronized (samples) {
            return samples.stream().filter(s -> s.at() >= t).toList();
        }
    }

    @Override
    public void close() {
        running = false;
    }
}

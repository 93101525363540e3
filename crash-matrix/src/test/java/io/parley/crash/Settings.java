package io.parley.crash;

import java.time.Duration;

/**
 * The matrix's options, as system properties with defaults: {@code crash.faults} (see {@link
 * Fault#parse}), {@code crash.rate} (messages a second over all rooms), {@code crash.rooms}, {@code
 * crash.members} (per room), {@code crash.warmSeconds} (steady load before each kill), {@code
 * crash.downSeconds} (dead before the operator's {@code up}), {@code crash.healSeconds} (the bound
 * after the component is back past which the fault fails), {@code crash.url} (the edge).
 */
record Settings(
        String faults,
        int rate,
        int rooms,
        int members,
        Duration warm,
        Duration down,
        Duration healLimit,
        String url) {

    static Settings fromSystemProperties() {
        return new Settings(
                System.getProperty("crash.faults", Fault.SUBSET),
                Integer.getInteger("crash.rate", 100),
                Integer.getInteger("crash.rooms", 4),
                Integer.getInteger("crash.members", 10),
                Duration.ofSeconds(Integer.getInteger("crash.warmSeconds", 5)),
                Duration.ofSeconds(Integer.getInteger("crash.downSeconds", 2)),
                Duration.ofSeconds(Integer.getInteger("crash.healSeconds", 120)),
                System.getProperty("crash.url", "http://127.0.0.1:8088"));
    }
}

package io.parley.edge.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The budgets of one gateway: one meter per (user, budget) and per (client address, anonymous
 * budget), forgotten once unused long enough to have refilled (a new one would be the same), and
 * the per-connection meters each WebSocket carries.
 */
public final class Admission {
    private final RateLimits limits;
    private final TimeMeter time;
    private final Map<Budget, Cache<String, Meter>> shared = new EnumMap<>(Budget.class);

    public Admission(RateLimits limits, TimeMeter time) {
        this.limits = limits;
        this.time = time;
        Ticker ticker = time::currentTimeNanos;
        for (Budget b : Budget.values()) {
            shared.put(
                    b,
                    Caffeine.newBuilder()
                            .ticker(ticker)
                            .expireAfterAccess(Duration.ofMillis(limits.perUser(b).refillMillis()))
                            .build());
        }
    }

    public static Admission system(RateLimits limits) {
        return new Admission(limits, TimeMeter.SYSTEM_NANOTIME);
    }

    /** The meters of one new WebSocket connection. */
    public ConnectionMeters forConnection() {
        Map<Budget, Meter> meters = new EnumMap<>(Budget.class);
        for (Budget b : Budget.values()) {
            Limit l = limits.perConnection(b);
            if (l != null) {
                meters.put(b, new Meter(l, time));
            }
        }
        return new ConnectionMeters(meters);
    }

    /**
     * Takes {@code cost} from the connection's budget, then from its user's on this gateway;
     * returns 0, or the milliseconds to wait before retrying.
     */
    public long take(ConnectionMeters connection, String userId, Budget b, long cost) {
        long wait = connection.take(b, cost);
        if (wait > 0) {
            return wait;
        }
        return take(userId, b, cost);
    }

    /** Takes {@code cost} from a user's (or, for anonymous budgets, a client address's) budget. */
    public long take(String key, Budget b, long cost) {
        return shared.get(b).get(key, k -> new Meter(limits.perUser(b), time)).take(cost);
    }

    /** The per-connection meters of one WebSocket. */
    public static final class ConnectionMeters {
        private final Map<Budget, Meter> meters;

        ConnectionMeters(Map<Budget, Meter> meters) {
            this.meters = meters;
        }

        long take(Budget b, long cost) {
            Meter m = meters.get(b);
            return m == null ? 0 : m.take(cost);
        }
    }
}

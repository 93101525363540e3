package io.parley.edge.limits;

import java.util.EnumMap;
import java.util.Map;

/** The limits of every budget on one gateway, from the defaults and the environment. */
public final class RateLimits {
    private final Map<Budget, Limit> perConnection = new EnumMap<>(Budget.class);
    private final Map<Budget, Limit> perUser = new EnumMap<>(Budget.class);

    private RateLimits() {}

    /**
     * The defaults, overridden by {@code PARLEY_LIMIT_<BUDGET>}/{@code PARLEY_USER_LIMIT_<BUDGET>}
     * ({@code "rate/burst"}); the message budget also by the older {@code PARLEY_SEND_RATE}, {@code
     * PARLEY_SEND_BURST}, {@code PARLEY_USER_SEND_RATE}, {@code PARLEY_USER_SEND_BURST}.
     */
    public static RateLimits from(Map<String, String> env) {
        RateLimits limits = new RateLimits();
        for (Budget b : Budget.values()) {
            if (b.perConnection != null) {
                limits.perConnection.put(b, read(env, b.connectionVariable(), b.perConnection));
            }
            limits.perUser.put(b, read(env, b.userVariable(), b.perUser));
        }
        Limit send = limits.perConnection.get(Budget.MESSAGES);
        limits.perConnection.put(
                Budget.MESSAGES,
                new Limit(
                        number(env, "PARLEY_SEND_RATE", send.perSecond()),
                        number(env, "PARLEY_SEND_BURST", send.burst())));
        Limit userSend = limits.perUser.get(Budget.MESSAGES);
        limits.perUser.put(
                Budget.MESSAGES,
                new Limit(
                        number(env, "PARLEY_USER_SEND_RATE", userSend.perSecond()),
                        number(env, "PARLEY_USER_SEND_BURST", userSend.burst())));
        return limits;
    }

    /** The limit of a WebSocket budget on one connection, or null for an HTTP budget. */
    public Limit perConnection(Budget b) {
        return perConnection.get(b);
    }

    public Limit perUser(Budget b) {
        return perUser.get(b);
    }

    private static Limit read(Map<String, String> env, String name, Limit fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : Limit.parse(name, v);
    }

    private static int number(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, not '" + v + "'");
        }
    }
}

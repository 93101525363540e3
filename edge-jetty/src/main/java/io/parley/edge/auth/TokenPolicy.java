package io.parley.edge.auth;

import java.util.Map;

/**
 * What a token's claims must say besides its signature: the issuer and audience when configured
 * ({@code PARLEY_JWT_ISSUER}, {@code PARLEY_JWT_AUDIENCE}), and a longest lifetime ({@code
 * PARLEY_JWT_MAX_LIFETIME_SECONDS}, default 30 days) so a token valid for a century is refused.
 */
public record TokenPolicy(String issuer, String audience, long maxLifetimeSeconds) {
    public static final long DEFAULT_MAX_LIFETIME_SECONDS = 30L * 24 * 3600;

    public static TokenPolicy lenient() {
        return new TokenPolicy(null, null, DEFAULT_MAX_LIFETIME_SECONDS);
    }

    public static TokenPolicy from(Map<String, String> env) {
        String lifetime = env.get("PARLEY_JWT_MAX_LIFETIME_SECONDS");
        long max;
        try {
            max =
                    lifetime == null || lifetime.isBlank()
                            ? DEFAULT_MAX_LIFETIME_SECONDS
                            : Long.parseLong(lifetime.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "PARLEY_JWT_MAX_LIFETIME_SECONDS must be an integer, not '" + lifetime + "'");
        }
        return new TokenPolicy(
                blankToNull(env.get("PARLEY_JWT_ISSUER")),
                blankToNull(env.get("PARLEY_JWT_AUDIENCE")),
                max);
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }
}

package io.parley.edge.auth;

import io.parley.edge.EdgeConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether an edge may start with its secrets: outside dev mode it refuses a configuration that
 * would fail open, so a deployment that forgot to set them stops instead of running with values
 * anyone can look up. Refused outside dev mode:
 *
 * <ul>
 *   <li>{@code PARLEY_JWT_SECRET} unset (unless {@code PARLEY_JWT_PUBLIC_KEY} is set: RS256 only,
 *       HS256 is then never accepted), shorter than {@value #MIN_JWT_SECRET_BYTES} bytes, or
 *       well-known;
 *   <li>{@code S3_ACCESS_KEY} or {@code S3_SECRET_KEY} well-known (unset means the local stack's
 *       s3proxy keys, which are).
 * </ul>
 *
 * <p>Well-known: unset, or {@code normalize(value)} (lower case, letters and digits only) is one of
 * the defaults and placeholders below or a repetition of one ({@code change-me-change-me-...}), or
 * the value or its normalized form repeats a string of at most {@value #MAX_PERIOD} characters
 * ({@code aaaa...}, {@code abc-abc-...}). Dev mode (the local stack, which generates its own JWT
 * secret) is exempt.
 */
public final class StartupSecrets {
    public static final int MIN_JWT_SECRET_BYTES = 32;
    static final int MAX_PERIOD = 8;

    /** Defaults and placeholders of this repository and the usual suspects, normalized. */
    static final Set<String> WELL_KNOWN_JWT_SECRETS =
            Set.of(
                    normalize("change-me-change-me-change-me-change-me"), // compose, until M6
                    normalize("integration-test-secret-0123456789abcdef"), // the edge ITs
                    normalize("parley-local"),
                    "parley",
                    "changeme",
                    "changeit",
                    "secret",
                    "secretkey",
                    "jwtsecret",
                    "mysecret",
                    "supersecret",
                    "topsecret",
                    "password",
                    "default",
                    "example",
                    "test",
                    "dev",
                    normalize("your-256-bit-secret"), // jwt.io's sample
                    normalize("your-secret-key"));

    /**
     * S3 access and secret keys everyone knows: s3proxy's sample keys (which the local stack uses),
     * MinIO's default, the AWS documentation's example pair; normalized.
     */
    static final Set<String> WELL_KNOWN_S3_KEYS =
            Set.of(
                    normalize("local-identity"),
                    normalize("local-credential"),
                    "identity",
                    "credential",
                    "minioadmin",
                    normalize("AKIAIOSFODNN7EXAMPLE"),
                    normalize("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                    "accesskey",
                    "secretkey",
                    "admin",
                    "password",
                    "changeme",
                    "test");

    private StartupSecrets() {}

    /** The one line to print before exiting, or empty when {@code config} may start. */
    public static Optional<String> refusal(EdgeConfig config) {
        List<String> problems =
                problems(
                        config.devMode(),
                        config.jwtSecret(),
                        config.jwtPublicKeyPem(),
                        config.s3AccessKey(),
                        config.s3SecretKey());
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                "parley edge refuses to start outside dev mode (PARLEY_DEV_MODE=false): "
                        + String.join("; ", problems));
    }

    /** Every reason to refuse, each naming its variable; empty when none. */
    static List<String> problems(
            boolean devMode,
            String jwtSecret,
            String jwtPublicKeyPem,
            String s3AccessKey,
            String s3SecretKey) {
        List<String> problems = new ArrayList<>();
        if (devMode) {
            return problems;
        }
        boolean rsaOnly = isBlank(jwtSecret) && !isBlank(jwtPublicKeyPem);
        if (isBlank(jwtSecret)) {
            if (!rsaOnly) {
                problems.add(
                        "PARLEY_JWT_SECRET is not set (set a random secret of at least "
                                + MIN_JWT_SECRET_BYTES
                                + " bytes, or PARLEY_JWT_PUBLIC_KEY for RS256 only)");
            }
        } else if (jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_JWT_SECRET_BYTES) {
            problems.add("PARLEY_JWT_SECRET is shorter than " + MIN_JWT_SECRET_BYTES + " bytes");
        } else if (wellKnown(jwtSecret, WELL_KNOWN_JWT_SECRETS)) {
            problems.add(
                    "PARLEY_JWT_SECRET is a well-known value (a default, placeholder or"
                            + " repeated pattern); set a random one, e.g. openssl rand -base64 48");
        }
        if (wellKnown(s3AccessKey, WELL_KNOWN_S3_KEYS)) {
            problems.add("S3_ACCESS_KEY is unset or a well-known default key");
        }
        if (wellKnown(s3SecretKey, WELL_KNOWN_S3_KEYS)) {
            problems.add("S3_SECRET_KEY is unset or a well-known default key");
        }
        return problems;
    }

    static boolean wellKnown(String value, Set<String> known) {
        if (isBlank(value)) {
            return true;
        }
        String s = normalize(value);
        if (known.contains(s)) {
            return true;
        }
        for (String word : known) {
            if (repeats(s, word)) {
                return true;
            }
        }
        return periodic(value) || periodic(s);
    }

    /** Whether {@code s} repeats its first {@value #MAX_PERIOD} or fewer characters. */
    private static boolean periodic(String s) {
        for (int period = 1; period <= MAX_PERIOD && period < s.length(); period++) {
            if (repeats(s, s.substring(0, period))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code s} is {@code unit} written two or more times. */
    private static boolean repeats(String s, String unit) {
        int n = unit.length();
        return n > 0
                && s.length() > n
                && s.length() % n == 0
                && unit.repeat(s.length() / n).equals(s);
    }

    static String normalize(String value) {
        StringBuilder out = new StringBuilder();
        value.toLowerCase(Locale.ROOT)
                .codePoints()
                .filter(Character::isLetterOrDigit)
                .forEach(out::appendCodePoint);
        return out.toString();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}

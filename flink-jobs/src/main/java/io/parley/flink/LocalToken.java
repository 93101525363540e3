package io.parley.flink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The bearer token of the local cluster's control surfaces (the replay control endpoint and the
 * local FCM receiver): 32 random bytes, base64url, made anew at every start and written to {@code
 * $PARLEY_HOME/run/flink-token} (mode 0600) for {@code ./parley replay} and the tests to read.
 * {@code accepts(h)} iff {@code h = "Bearer " + token}, compared in constant time.
 */
public final class LocalToken {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String BEARER = "Bearer ";

    private final String value;

    private LocalToken(String value) {
        this.value = value;
    }

    public static LocalToken generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new LocalToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    public static LocalToken of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a local token cannot be blank");
        }
        return new LocalToken(value.trim());
    }

    /** Where the local cluster writes its token: {@code <home>/run/flink-token}. */
    public static Path file(String home) {
        return Path.of(home).resolve("run").resolve("flink-token");
    }

    /** The token in {@code file}, or empty when there is none (no local cluster started yet). */
    public static String readOrEmpty(Path file) throws IOException {
        return Files.isReadable(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : "";
    }

    public String value() {
        return value;
    }

    /** Whether an {@code Authorization} header carries this token. */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return false;
        }
        byte[] given =
                authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes the token to {@code file}, readable by this user only: created 0600 beside it, then
     * moved over any previous token, so no reader ever sees a partial or world-readable file.
     */
    public void writeTo(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp =
                Files.createTempFile(
                        dir,
                        ".flink-token",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public String toString() {
        return "LocalToken[***]";
    }
}

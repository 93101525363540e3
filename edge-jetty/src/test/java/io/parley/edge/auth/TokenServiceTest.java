package io.parley.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private final Clock now = Clock.fixed(Instant.ofEpochMilli(1_000_000_000L), ZoneOffset.UTC);
    private final TokenService tokens = new TokenService(SECRET, "", now);

    private static String b64(String s) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldAcceptItsOwnTokenAndReturnTheSubject() {
        assertThat(tokens.verify(tokens.issue("alice", 60))).isEqualTo("alice");
    }

    @Test
    void shouldRefuseAnExpiredToken() {
        String token = tokens.issue("alice", 60);
        TokenService later =
                new TokenService(SECRET, "", Clock.offset(now, java.time.Duration.ofMinutes(5)));

        assertThatThrownBy(() -> later.verify(token)).hasMessageContaining("expired");
    }

    @Test
    void shouldRefuseATamperedToken() {
        String[] parts = tokens.issue("alice", 60).split("\\.");
        String forged =
                parts[0] + "." + b64("{\"sub\":\"mallory\",\"exp\":99999999999}") + "." + parts[2];

        assertThatThrownBy(() -> tokens.verify(forged)).hasMessageContaining("signature");
    }

    @Test
    void shouldRefuseAlgNone() {
        String none =
                b64("{\"alg\":\"none\"}")
                        + "."
                        + b64("{\"sub\":\"mallory\",\"exp\":99999999999}")
                        + ".";

        assertThatThrownBy(() -> tokens.verify(none))
                .isInstanceOf(TokenService.InvalidTokenException.class);
    }

    @Test
    void shouldRefuseATokenSignedWithAnotherSecret() {
        TokenService other = new TokenService("another-secret-another-secret-another", "", now);

        assertThatThrownBy(() -> tokens.verify(other.issue("alice", 60)))
                .hasMessageContaining("signature");
    }

    @Test
    void shouldRefuseGarbage() {
        assertThatThrownBy(() -> tokens.verify("not.a.jwt"))
                .isInstanceOf(TokenService.InvalidTokenException.class);
        assertThatThrownBy(() -> tokens.verify(null)).hasMessageContaining("missing");
    }
}

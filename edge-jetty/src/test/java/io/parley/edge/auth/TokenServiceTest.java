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
    void shouldCarryTheDeviceAndIssueTimeOfADeviceBoundToken() {
        TokenService.Principal bound = tokens.principal(tokens.issue("alice", "phone", 60));
        TokenService.Principal unbound = tokens.principal(tokens.issue("alice", 60));

        assertThat(bound.userId()).isEqualTo("alice");
        assertThat(bound.deviceId()).isEqualTo("phone");
        assertThat(bound.issuedAt()).isNotNull();
        assertThat(unbound.deviceId()).isNull();
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

    private static String signed(com.nimbusds.jwt.JWTClaimsSet claims) throws Exception {
        com.nimbusds.jwt.SignedJWT jwt =
                new com.nimbusds.jwt.SignedJWT(
                        new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
                        claims);
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private com.nimbusds.jwt.JWTClaimsSet.Builder claims(long expInSeconds) {
        return new com.nimbusds.jwt.JWTClaimsSet.Builder()
                .subject("alice")
                .expirationTime(new java.util.Date(now.millis() + expInSeconds * 1000));
    }

    @Test
    void shouldRefuseATokenNotValidYet() throws Exception {
        String token =
                signed(
                        claims(3600)
                                .notBeforeTime(new java.util.Date(now.millis() + 600_000))
                                .build());

        assertThatThrownBy(() -> tokens.verify(token)).hasMessageContaining("nbf");
    }

    @Test
    void shouldRefuseATokenIssuedInTheFuture() throws Exception {
        String token =
                signed(claims(3600).issueTime(new java.util.Date(now.millis() + 600_000)).build());

        assertThatThrownBy(() -> tokens.verify(token)).hasMessageContaining("iat");
    }

    @Test
    void shouldRefuseATokenValidForACentury() throws Exception {
        String token = signed(claims(100L * 365 * 24 * 3600).build());

        assertThatThrownBy(() -> tokens.verify(token)).hasMessageContaining("lifetime");
        assertThat(tokens.verify(signed(claims(24 * 3600).build()))).isEqualTo("alice");
    }

    @Test
    void shouldCheckIssuerAndAudienceWhenConfigured() throws Exception {
        TokenService strict =
                new TokenService(
                        SECRET, "", now, new TokenPolicy("https://id.example", "parley", 3600));

        assertThatThrownBy(() -> strict.verify(signed(claims(60).build())))
                .hasMessageContaining("iss");
        assertThatThrownBy(
                        () ->
                                strict.verify(
                                        signed(
                                                claims(60)
                                                        .issuer("https://id.example")
                                                        .audience("other")
                                                        .build())))
                .hasMessageContaining("aud");
        assertThat(
                        strict.verify(
                                signed(
                                        claims(60)
                                                .issuer("https://id.example")
                                                .audience("parley")
                                                .build())))
                .isEqualTo("alice");
        assertThat(strict.verify(strict.issue("bob", 60))).isEqualTo("bob");
    }
}

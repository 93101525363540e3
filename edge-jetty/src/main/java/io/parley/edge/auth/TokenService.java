package io.parley.edge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;

/**
 * Verifies client JWTs: HS256 with the shared secret, or RS256 with the configured public key; the
 * {@code alg} must be one of those (never {@code none}), the signature must verify, {@code exp}
 * must be in the future, {@code nbf} and {@code iat} not, the lifetime within {@link TokenPolicy}'s
 * cap, {@code iss}/{@code aud} as configured, and {@code sub} (the user id) present. Issues HS256
 * dev tokens.
 */
public final class TokenService {
    private static final long CLOCK_SKEW_MS = 5_000;

    /** The claim binding a token to one device (PROTOCOL.md section 5). */
    public static final String DEVICE_CLAIM = "device_id";

    private final byte[] secret;
    private final RSAPublicKey rsaKey;
    private final Clock clock;
    private final TokenPolicy policy;

    public TokenService(String secret, String rsaPublicKeyPem, Clock clock) {
        this(secret, rsaPublicKeyPem, clock, TokenPolicy.lenient());
    }

    public TokenService(String secret, String rsaPublicKeyPem, Clock clock, TokenPolicy policy) {
        this.policy = policy;
        this.secret = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
        this.rsaKey =
                rsaPublicKeyPem == null || rsaPublicKeyPem.isBlank()
                        ? null
                        : parse(rsaPublicKeyPem);
        this.clock = clock;
        if (this.secret.length < 32 && rsaKey == null) {
            throw new IllegalArgumentException(
                    "PARLEY_JWT_SECRET must be at least 32 bytes, or PARLEY_JWT_PUBLIC_KEY set");
        }
    }

    /**
     * Who a verified token speaks for: the user, the device it is bound to (PROTOCOL.md section 5,
     * claim {@code device_id}; null when it names none) and when it was issued ({@code iat}, epoch
     * ms; null when absent).
     */
    public record Principal(String userId, String deviceId, Long issuedAt) {}

    /** The authenticated user id of a token, or an {@link InvalidTokenException} saying why not. */
    public String verify(String token) {
        return principal(token).userId();
    }

    /** The verified {@link Principal} of a token, or an {@link InvalidTokenException}. */
    public Principal principal(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("missing token");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token.trim());
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed token");
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        JWSVerifier verifier;
        try {
            if (JWSAlgorithm.HS256.equals(alg) && secret.length >= 32) {
                verifier = new MACVerifier(secret);
            } else if (JWSAlgorithm.RS256.equals(alg) && rsaKey != null) {
                verifier = new RSASSAVerifier(rsaKey);
            } else {
                throw new InvalidTokenException("unsupported alg " + alg);
            }
            if (!jwt.verify(verifier)) {
                throw new InvalidTokenException("bad signature");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            checkTimes(claims, clock.millis());
            checkAudience(claims);
            String sub = claims.getSubject();
            if (sub == null || !io.parley.schemas.topics.Topics.ID.matcher(sub).matches()) {
                throw new InvalidTokenException("token has no valid sub");
            }
            Object device = claims.getClaim(DEVICE_CLAIM);
            if (device != null
                    && !(device instanceof String d
                            && io.parley.schemas.topics.Topics.ID.matcher(d).matches())) {
                throw new InvalidTokenException("token has an invalid device_id");
            }
            Date iat = claims.getIssueTime();
            return new Principal(sub, (String) device, iat == null ? null : iat.getTime());
        } catch (JOSEException | ParseException e) {
            throw new InvalidTokenException("unverifiable token");
        }
    }

    /** exp in the future, nbf and iat not in the future, and the lifetime within the cap. */
    private void checkTimes(JWTClaimsSet claims, long now) {
        Date exp = claims.getExpirationTime();
        if (exp == null || exp.getTime() + CLOCK_SKEW_MS < now) {
            throw new InvalidTokenException("token expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.getTime() - CLOCK_SKEW_MS > now) {
            throw new InvalidTokenException("token not valid yet (nbf)");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.getTime() - CLOCK_SKEW_MS > now) {
            throw new InvalidTokenException("token issued in the future (iat)");
        }
        long from = iat == null ? now : Math.min(iat.getTime(), now);
        if (exp.getTime() - from > policy.maxLifetimeSeconds() * 1000) {
            throw new InvalidTokenException(
                    "token lifetime over " + policy.maxLifetimeSeconds() + " s");
        }
    }

    private void checkAudience(JWTClaimsSet claims) {
        if (policy.issuer() != null && !policy.issuer().equals(claims.getIssuer())) {
            throw new InvalidTokenException("wrong issuer (iss)");
        }
        if (policy.audience() != null
                && (claims.getAudience() == null
                        || !claims.getAudience().contains(policy.audience()))) {
            throw new InvalidTokenException("wrong audience (aud)");
        }
    }

    /** An HS256 token for {@code userId} valid for {@code ttlSeconds} (dev mode only). */
    public String issue(String userId, long ttlSeconds) {
        return issue(userId, null, ttlSeconds);
    }

    /** {@link #issue(String, long)}, bound to {@code deviceId} when it is not null. */
    public String issue(String userId, String deviceId, long ttlSeconds) {
        try {
            long now = clock.millis();
            JWTClaimsSet claims =
                    new JWTClaimsSet.Builder()
                            .subject(userId)
                            .issuer(policy.issuer())
                            .audience(policy.audience())
                            .issueTime(new Date(now))
                            .expirationTime(new Date(now + ttlSeconds * 1000))
                            .claim(DEVICE_CLAIM, deviceId)
                            .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a dev token", e);
        }
    }

    private static RSAPublicKey parse(String pem) {
        try {
            if (pem.contains("CERTIFICATE")) {
                return (RSAPublicKey) X509CertUtils.parse(pem).getPublicKey();
            }
            String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            byte[] der = Base64.getDecoder().decode(b64);
            return (RSAPublicKey)
                    KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (Exception e) {
            throw new IllegalArgumentException("PARLEY_JWT_PUBLIC_KEY is not an RSA public key", e);
        }
    }

    /** Why a token was refused; the message is safe to return to the client. */
    public static final class InvalidTokenException extends RuntimeException {
        public InvalidTokenException(String message) {
            super(message);
        }
    }
}

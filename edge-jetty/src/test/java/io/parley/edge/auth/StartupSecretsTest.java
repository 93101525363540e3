package io.parley.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.edge.EdgeConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StartupSecretsTest {
    private static final String RANDOM_SECRET =
            "Zm9vYmFyYmF6cXV4LXJhbmRvbS1lbm91Z2gtZm9yLXRoZS10ZXN0";
    private static final String PUBLIC_KEY =
            "-----BEGIN PUBLIC KEY-----\nMIIBIjANBg...\n-----END PUBLIC KEY-----";

    /** A production configuration with every secret set properly, plus {@code overrides}. */
    private static Optional<String> refusal(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("PARLEY_DEV_MODE", "false");
        env.put("PARLEY_JWT_SECRET", RANDOM_SECRET);
        env.put("S3_ACCESS_KEY", "AKIA2PARLEYPROD7Q3X");
        env.put("S3_SECRET_KEY", "k3Vq9w7XyT2pLm8Rz4sB1nD6fH0jC5gA9eW3uYtZ");
        env.putAll(overrides);
        return StartupSecrets.refusal(EdgeConfig.from(env));
    }

    @Test
    void shouldStartWithARandomSecretAndTheStoresOwnKeys() {
        assertThat(refusal(Map.of())).isEmpty();
    }

    @Test
    void shouldRefuseAMissingSecretOutsideDevModeAndSayWhichVariable() {
        Optional<String> why = refusal(Map.of("PARLEY_JWT_SECRET", ""));

        assertThat(why).isPresent();
        assertThat(why.get())
                .startsWith("parley edge refuses to start outside dev mode")
                .contains("PARLEY_JWT_SECRET is not set")
                .doesNotContain("\n");
    }

    @Test
    void shouldRefuseASecretShorterThan32Bytes() {
        assertThat(refusal(Map.of("PARLEY_JWT_SECRET", "k3Vq9w7XyT2pLm8Rz4sB1nD6fH0jC5g")))
                .hasValueSatisfying(
                        why -> assertThat(why).contains("PARLEY_JWT_SECRET is shorter than 32"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "change-me-change-me-change-me-change-me", // compose's old default
                "integration-test-secret-0123456789abcdef", // the edge ITs' secret
                "CHANGEME_CHANGEME_CHANGEME_CHANGEME_",
                "secretsecretsecretsecretsecretsecret",
                "your-256-bit-secret-your-256-bit-secret",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "abcdefgh-abcdefgh-abcdefgh-abcdefgh-"
            })
    void shouldRefuseAWellKnownSecretOfAnyLength(String secret) {
        assertThat(refusal(Map.of("PARLEY_JWT_SECRET", secret)))
                .hasValueSatisfying(
                        why -> assertThat(why).contains("PARLEY_JWT_SECRET is a well-known value"));
    }

    @Test
    void shouldRefuseTheLocalStacksS3KeysAlsoWhenLeftUnset() {
        Map<String, String> unset = new HashMap<>();
        unset.put("S3_ACCESS_KEY", null);
        unset.put("S3_SECRET_KEY", null);

        assertThat(refusal(unset))
                .hasValueSatisfying(
                        why ->
                                assertThat(why)
                                        .contains("S3_ACCESS_KEY is unset or a well-known")
                                        .contains("S3_SECRET_KEY is unset or a well-known")
                                        .doesNotContain("PARLEY_JWT_SECRET"));
        assertThat(refusal(Map.of("S3_ACCESS_KEY", "local-identity"))).isPresent();
        assertThat(refusal(Map.of("S3_SECRET_KEY", "local-credential"))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "minioadmin",
                "AKIAIOSFODNN7EXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            })
    void shouldRefuseMinioAndAwsExampleKeys(String key) {
        assertThat(refusal(Map.of("S3_ACCESS_KEY", key))).isPresent();
        assertThat(refusal(Map.of("S3_SECRET_KEY", key))).isPresent();
    }

    @Test
    void shouldNameEveryProblemOnOneLine() {
        Map<String, String> env = new HashMap<>();
        env.put("PARLEY_JWT_SECRET", "secret");
        env.put("S3_ACCESS_KEY", null);
        env.put("S3_SECRET_KEY", null);

        String why = refusal(env).orElseThrow();

        assertThat(why.split("; ")).hasSize(3);
        assertThat(why).doesNotContain("\n");
    }

    @Test
    void shouldAcceptRs256AloneWithoutAnHmacSecret() {
        assertThat(refusal(Map.of("PARLEY_JWT_SECRET", "", "PARLEY_JWT_PUBLIC_KEY", PUBLIC_KEY)))
                .isEmpty();
        assertThat(
                        refusal(
                                Map.of(
                                        "PARLEY_JWT_SECRET",
                                        "change-me-change-me-change-me-change-me",
                                        "PARLEY_JWT_PUBLIC_KEY",
                                        PUBLIC_KEY)))
                .as("an HS256 secret next to the key is still checked")
                .isPresent();
    }

    @Test
    void shouldLetDevModeStartWithTheLocalStacksDefaults() {
        Map<String, String> env = new HashMap<>();
        env.put("PARLEY_DEV_MODE", "true");
        env.put("PARLEY_JWT_SECRET", "integration-test-secret-0123456789abcdef");
        env.put("S3_ACCESS_KEY", null);
        env.put("S3_SECRET_KEY", null);

        assertThat(refusal(env)).isEmpty();
    }

    @Test
    void shouldTreatAnUnsetDevModeAsProduction() {
        Map<String, String> env = new HashMap<>();
        env.put("PARLEY_DEV_MODE", null);
        env.put("PARLEY_JWT_SECRET", null);

        assertThat(refusal(env)).isPresent();
    }
}

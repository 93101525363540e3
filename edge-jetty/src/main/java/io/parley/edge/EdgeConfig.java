package io.parley.edge;

import io.parley.edge.auth.TokenPolicy;
import io.parley.edge.limits.RateLimits;
import java.util.Map;

/**
 * Every option of an edge process, read from environment variables (defaults are the local
 * stack's). Listed in edge-jetty/README.md.
 */
public record EdgeConfig(
        String gatewayId,
        String host,
        int httpPort,
        int httpsPort,
        String keystorePath,
        String keystorePassword,
        boolean devMode,
        String jwtSecret,
        String jwtPublicKeyPem,
        long devTokenTtlSeconds,
        String pulsarServiceUrl,
        String pulsarAdminUrl,
        String redisUrl,
        String cassandraHost,
        int cassandraPort,
        String cassandraDatacenter,
        String elasticsearchUrl,
        String s3Endpoint,
        String s3Region,
        String s3Bucket,
        String s3AccessKey,
        String s3SecretKey,
        int sendRatePerSecond,
        int sendBurst,
        int userSendRatePerSecond,
        int userSendBurst,
        int outboundSoftLimit,
        int outboundHardLimit,
        long idleTimeoutMs,
        long sessionTtlMs,
        String webRoot,
        RateLimits limits,
        TokenPolicy tokenPolicy) {

    public static EdgeConfig fromEnv() {
        return from(System.getenv());
    }

    public static EdgeConfig from(Map<String, String> env) {
        Options o = new Options(env);
        return new EdgeConfig(
                o.str("PARLEY_GATEWAY_ID", "gw1"),
                o.str("PARLEY_HOST", "127.0.0.1"),
                o.integer("PARLEY_HTTP_PORT", 8088),
                o.integer("PARLEY_HTTPS_PORT", 8443),
                o.str("PARLEY_KEYSTORE", ""),
                o.str("PARLEY_KEYSTORE_PASSWORD", "parley-local"),
                Boolean.parseBoolean(o.str("PARLEY_DEV_MODE", "false")),
                o.str("PARLEY_JWT_SECRET", ""),
                o.str("PARLEY_JWT_PUBLIC_KEY", ""),
                o.integer("PARLEY_DEV_TOKEN_TTL_SECONDS", 3600),
                o.str("PULSAR_SERVICE_URL", "pulsar://127.0.0.1:6650"),
                o.str("PULSAR_ADMIN_URL", "http://127.0.0.1:8080"),
                o.str("REDIS_URL", "redis://127.0.0.1:6379"),
                o.str("CASSANDRA_HOST", "127.0.0.1"),
                o.integer("CASSANDRA_PORT", 9042),
                o.str("CASSANDRA_DC", "datacenter1"),
                o.str("ES_URL", "http://127.0.0.1:9200"),
                o.str("S3_ENDPOINT", "http://127.0.0.1:9000"),
                o.str("S3_REGION", "us-east-1"),
                o.str("S3_BUCKET", "parley-media"),
                o.str("S3_ACCESS_KEY", "local-identity"),
                o.str("S3_SECRET_KEY", "local-credential"),
                o.integer("PARLEY_SEND_RATE", 20),
                o.integer("PARLEY_SEND_BURST", 40),
                o.integer("PARLEY_USER_SEND_RATE", 50),
                o.integer("PARLEY_USER_SEND_BURST", 100),
                o.integer("PARLEY_OUTBOUND_SOFT_LIMIT", 256),
                o.integer("PARLEY_OUTBOUND_HARD_LIMIT", 2048),
                o.integer("PARLEY_IDLE_TIMEOUT_MS", 60_000),
                o.integer("PARLEY_SESSION_TTL_MS", 90_000),
                o.str("PARLEY_WEB_ROOT", ""),
                RateLimits.from(env),
                TokenPolicy.from(env));
    }

    /** A copy listening on other ports under another gateway id (tests run two gateways). */
    public EdgeConfig withGateway(String id, int http, int https) {
        return new EdgeConfig(
                id,
                host,
                http,
                https,
                keystorePath,
                keystorePassword,
                devMode,
                jwtSecret,
                jwtPublicKeyPem,
                devTokenTtlSeconds,
                pulsarServiceUrl,
                pulsarAdminUrl,
                redisUrl,
                cassandraHost,
                cassandraPort,
                cassandraDatacenter,
                elasticsearchUrl,
                s3Endpoint,
                s3Region,
                s3Bucket,
                s3AccessKey,
                s3SecretKey,
                sendRatePerSecond,
                sendBurst,
                userSendRatePerSecond,
                userSendBurst,
                outboundSoftLimit,
                outboundHardLimit,
                idleTimeoutMs,
                sessionTtlMs,
                webRoot,
                limits,
                tokenPolicy);
    }

    private record Options(Map<String, String> env) {
        String str(String name, String fallback) {
            String v = env.get(name);
            return v == null || v.isBlank() ? fallback : v.trim();
        }

        int integer(String name, int fallback) {
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
}

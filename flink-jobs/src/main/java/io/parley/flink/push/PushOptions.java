package io.parley.flink.push;

import java.io.Serializable;

/**
 * The push job's options (system property over environment variable over default): {@code
 * PARLEY_FCM_ENDPOINT} (default {@value #DEFAULT_ENDPOINT}, the local receiver; empty = real FCM
 * with application default credentials), {@code PARLEY_FCM_ACCESS_TOKEN} (the bearer token sent to
 * that endpoint; default empty = the local cluster's token, {@code $PARLEY_HOME/run/flink-token}),
 * {@code PARLEY_FCM_PROJECT_ID} (default {@code parley-local}), {@code PARLEY_PUSH_CAP_MS} (at most
 * one push per user and room per interval, default 30000) and {@code PARLEY_FCM_RECEIVER_PORT}
 * (LocalCluster starts the local receiver on it; 0 = not at all; default 8090).
 */
public record PushOptions(
        String endpoint, String accessToken, String projectId, long capMs, int receiverPort)
        implements Serializable {
    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:8090";

    public static PushOptions fromEnv() {
        return new PushOptions(
                get("PARLEY_FCM_ENDPOINT", DEFAULT_ENDPOINT),
                get("PARLEY_FCM_ACCESS_TOKEN", ""),
                get("PARLEY_FCM_PROJECT_ID", "parley-local"),
                Long.parseLong(get("PARLEY_PUSH_CAP_MS", "30000")),
                Integer.parseInt(get("PARLEY_FCM_RECEIVER_PORT", "8090")));
    }

    private static String get(String name, String fallback) {
        String v = System.getProperty(name, System.getenv(name));
        return v == null ? fallback : v.trim();
    }
}

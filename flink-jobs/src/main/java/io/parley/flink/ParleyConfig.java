package io.parley.flink;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Every option of Parley's Flink side, one place: read from environment variables, a JVM system
 * property of the same name winning (handy for tests and one-off runs). The options and their
 * defaults are listed in {@link Option} and in this module's README.
 */
public record ParleyConfig(
        String pulsarServiceUrl,
        String pulsarAdminUrl,
        String cassandraHost,
        int cassandraPort,
        String esUrl,
        String redisUrl,
        int restPort,
        int controlPort,
        int parallelism,
        String home,
        Duration checkpointInterval,
        int restartAttempts,
        Duration restartDelay,
        Duration pulsarMaxFetchTime,
        Duration receiptsDebounce,
        Duration roomCacheTtl,
        Duration stateIdleTtl,
        Duration metricsWindow,
        Duration metricsIdle,
        int esBulkActions,
        Duration esFlushInterval)
        implements Serializable {

    /** The named options: environment variable, default and meaning. */
    public enum Option {
        PULSAR_SERVICE_URL("pulsar://127.0.0.1:6650", "Pulsar binary protocol URL"),
        PULSAR_ADMIN_URL("http://127.0.0.1:8080", "Pulsar admin REST URL (replay resets cursors)"),
        CASSANDRA_HOST("127.0.0.1", "Cassandra contact point"),
        CASSANDRA_PORT("9042", "Cassandra CQL port"),
        ES_URL("http://127.0.0.1:9200", "Elasticsearch URL"),
        PARLEY_REDIS_URL(
                "redis://127.0.0.1:6379",
                "Redis URL (the caches the persistence and user projection jobs rebuild)"),
        FLINK_REST_PORT("8081", "LocalCluster: Flink REST API and dashboard port"),
        PARLEY_FLINK_CONTROL_PORT("8089", "LocalCluster: replay control endpoint port"),
        PARLEY_FLINK_PARALLELISM("1", "parallelism of every job"),
        PARLEY_HOME(".", "local data folder; checkpoints go to $PARLEY_HOME/data/flink"),
        PARLEY_FLINK_CHECKPOINT_MS("1000", "checkpoint interval (the sources ack on checkpoints)"),
        PARLEY_FLINK_RESTART_ATTEMPTS("2147483647", "fixed-delay restart attempts"),
        PARLEY_FLINK_RESTART_DELAY_MS("2000", "fixed-delay restart delay"),
        PARLEY_PULSAR_MAX_FETCH_MS(
                "100", "pulsar.source.maxFetchTime (the connector's 10 s adds lag)"),
        PARLEY_RECEIPTS_DEBOUNCE_MS(
                "250", "receipts: at most one group update per status per interval"),
        PARLEY_ROOM_CACHE_MS("5000", "receipts: how long a room's member count is cached"),
        PARLEY_STATE_IDLE_TTL_MS("86400000", "receipts: keyed cursors idle this long are dropped"),
        PARLEY_METRICS_WINDOW_MS("10000", "delivery metrics window size"),
        PARLEY_METRICS_IDLE_MS(
                "10000", "delivery metrics: close windows after this long without input"),
        PARLEY_ES_BULK_ACTIONS("500", "search: bulk request size that forces a flush"),
        PARLEY_ES_FLUSH_MS("200", "search: flush a non-empty buffer at the latest after this long");

        public final String defaultValue;
        public final String description;

        Option(String defaultValue, String description) {
            this.defaultValue = defaultValue;
            this.description = description;
        }

        String from(UnaryOperator<String> lookup) {
            String value = lookup.apply(name());
            return value == null || value.isBlank() ? defaultValue : value.trim();
        }
    }

    /** The configuration of this process: system properties over environment over defaults. */
    public static ParleyConfig fromEnv() {
        Map<String, String> env = System.getenv();
        return from(name -> System.getProperty(name, env.get(name)));
    }

    /** Every default, as a test starts from. */
    public static ParleyConfig defaults() {
        return from(name -> null);
    }

    public static ParleyConfig from(UnaryOperator<String> lookup) {
        return new ParleyConfig(
                Option.PULSAR_SERVICE_URL.from(lookup),
                Option.PULSAR_ADMIN_URL.from(lookup),
                Option.CASSANDRA_HOST.from(lookup),
                integer(Option.CASSANDRA_PORT, lookup),
                Option.ES_URL.from(lookup),
                Option.PARLEY_REDIS_URL.from(lookup),
                integer(Option.FLINK_REST_PORT, lookup),
                integer(Option.PARLEY_FLINK_CONTROL_PORT, lookup),
                integer(Option.PARLEY_FLINK_PARALLELISM, lookup),
                Path.of(Option.PARLEY_HOME.from(lookup)).toAbsolutePath().normalize().toString(),
                millis(Option.PARLEY_FLINK_CHECKPOINT_MS, lookup),
                integer(Option.PARLEY_FLINK_RESTART_ATTEMPTS, lookup),
                millis(Option.PARLEY_FLINK_RESTART_DELAY_MS, lookup),
                millis(Option.PARLEY_PULSAR_MAX_FETCH_MS, lookup),
                millis(Option.PARLEY_RECEIPTS_DEBOUNCE_MS, lookup),
                millis(Option.PARLEY_ROOM_CACHE_MS, lookup),
                millis(Option.PARLEY_STATE_IDLE_TTL_MS, lookup),
                millis(Option.PARLEY_METRICS_WINDOW_MS, lookup),
                millis(Option.PARLEY_METRICS_IDLE_MS, lookup),
                integer(Option.PARLEY_ES_BULK_ACTIONS, lookup),
                millis(Option.PARLEY_ES_FLUSH_MS, lookup));
    }

    /** Where checkpoints of the local cluster live. */
    public Path checkpointDir() {
        return Path.of(home).resolve("data").resolve("flink").resolve("checkpoints");
    }

    public ParleyConfig withParallelism(int value) {
        return new ParleyConfig(
                pulsarServiceUrl,
                pulsarAdminUrl,
                cassandraHost,
                cassandraPort,
                esUrl,
                redisUrl,
                restPort,
                controlPort,
                value,
                home,
                checkpointInterval,
                restartAttempts,
                restartDelay,
                pulsarMaxFetchTime,
                receiptsDebounce,
                roomCacheTtl,
                stateIdleTtl,
                metricsWindow,
                metricsIdle,
                esBulkActions,
                esFlushInterval);
    }

    public ParleyConfig withMetricsIdle(Duration value) {
        return new ParleyConfig(
                pulsarServiceUrl,
                pulsarAdminUrl,
                cassandraHost,
                cassandraPort,
                esUrl,
                redisUrl,
                restPort,
                controlPort,
                parallelism,
                home,
                checkpointInterval,
                restartAttempts,
                restartDelay,
                pulsarMaxFetchTime,
                receiptsDebounce,
                roomCacheTtl,
                stateIdleTtl,
                metricsWindow,
                value,
                esBulkActions,
                esFlushInterval);
    }

    private static int integer(Option option, UnaryOperator<String> lookup) {
        String value = option.from(lookup);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option.name() + " is not a number: " + value, e);
        }
    }

    private static Duration millis(Option option, UnaryOperator<String> lookup) {
        String value = option.from(lookup);
        try {
            return Duration.ofMillis(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option.name() + " is not milliseconds: " + value, e);
        }
    }
}

package io.parley.flink.records;

/**
 * A user-log entry that changes the key directory or a device's mailbox ({@code keys_uploaded},
 * {@code prekey_claimed}, {@code to_device}, {@code to_device_acked}, {@code device_signed_out}),
 * as JSON with its log position: the Redis writes are derived from it by {@code KeyCacheCommands}.
 * Only strings, so Flink serializes it as a POJO.
 */
public record KeyWrite(String userId, String event, String position) {}

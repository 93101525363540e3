package io.parley.flink.records;

/**
 * A device's sign-in state ({@code device_seen} sets {@code seenAt}, {@code device_signed_out} sets
 * {@code signedOutAt}; the other is null and left as it is): its {@code user_devices} row, and for
 * a sign-out the {@code signedout:<user>} field the edge refuses older tokens by.
 */
public record DeviceState(
        String userId, String deviceId, Long seenAt, Long signedOutAt, long writeTs)
        implements UserWrite {}

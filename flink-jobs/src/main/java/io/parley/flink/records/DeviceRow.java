package io.parley.flink.records;

/** A registered device and its push token ({@code device_registered}): its {@code devices} row. */
public record DeviceRow(
        String userId,
        String deviceId,
        String platform,
        String pushToken,
        long updatedAt,
        long writeTs)
        implements UserWrite {}

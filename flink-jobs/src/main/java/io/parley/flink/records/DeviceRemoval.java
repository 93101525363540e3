package io.parley.flink.records;

/** A device whose current push token FCM reported dead: its {@code devices} row goes. */
public record DeviceRemoval(String userId, String deviceId, long writeTs) implements UserWrite {}

package io.parley.schemas.events;

/** One connected device of a user. */
public record DeviceRef(String userId, String deviceId) {}

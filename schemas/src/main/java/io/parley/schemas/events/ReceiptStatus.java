package io.parley.schemas.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** Delivered (a device has it) or read (the user has seen it). */
public enum ReceiptStatus {
    DELIVERED,
    READ;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

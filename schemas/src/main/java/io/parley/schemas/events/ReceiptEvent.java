package io.parley.schemas.events;

/** A client's {@code ack} or {@code read}, published by the edge to {@code events/receipts}. */
public record ReceiptEvent(
        String roomId, String userId, String deviceId, long seq, ReceiptStatus status, long ts) {}

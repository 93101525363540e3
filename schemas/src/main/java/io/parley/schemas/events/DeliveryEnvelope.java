package io.parley.schemas.events;

import java.util.List;

/**
 * What FanOut publishes to one gateway's {@code delivery/gw.<id>}: one payload and the devices on
 * that gateway it is for. Exactly one of message, signal, receipt, outcome is set. An outcome's
 * recipients may be empty: it is for a call waiting on that gateway (HTTP).
 */
public record DeliveryEnvelope(
        List<DeviceRef> recipients,
        SequencedMessage message,
        Signal signal,
        ReceiptUpdate receipt,
        CommandOutcome outcome) {

    public static DeliveryEnvelope of(List<DeviceRef> recipients, SequencedMessage message) {
        return new DeliveryEnvelope(recipients, message, null, null, null);
    }

    public static DeliveryEnvelope of(List<DeviceRef> recipients, Signal signal) {
        return new DeliveryEnvelope(recipients, null, signal, null, null);
    }

    public static DeliveryEnvelope of(List<DeviceRef> recipients, ReceiptUpdate receipt) {
        return new DeliveryEnvelope(recipients, null, null, receipt, null);
    }

    public static DeliveryEnvelope of(List<DeviceRef> recipients, CommandOutcome outcome) {
        return new DeliveryEnvelope(recipients, null, null, null, outcome);
    }
}

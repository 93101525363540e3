package io.parley.schemas.events;

/**
 * Timings of one message delivered by one gateway, on {@code events/delivery-stats}: client send,
 * edge ingress, sequenced and written to the sockets (epoch ms), with the local fan-out size and
 * how many deliveries were dropped or queued.
 */
public record DeliveryStat(
        String roomId,
        long seq,
        String gatewayId,
        long clientTs,
        long edgeTs,
        long sequencedTs,
        long deliveredTs,
        int recipients,
        int dropped,
        int queued) {}

package io.parley.flink.records;

/**
 * The delivery metrics of one window {@code [windowEnd - size, windowEnd)} of delivery time.
 *
 * @param sendToAppend {@code sequencedTs - clientTs} in ms
 * @param appendToDeliver {@code deliveredTs - sequencedTs} in ms
 * @param fanout recipients per delivery
 * @param dropped sum of dropped deliveries
 * @param queued sum of queued deliveries
 */
public record DeliverySummary(
        long windowEnd,
        Percentiles sendToAppend,
        Percentiles appendToDeliver,
        Percentiles fanout,
        long dropped,
        long queued) {}

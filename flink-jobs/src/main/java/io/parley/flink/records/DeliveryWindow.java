package io.parley.flink.records;

import io.parley.schemas.events.DeliveryStat;
import org.HdrHistogram.Histogram;

/**
 * The running aggregate of one metrics window: HdrHistograms (3 significant digits, auto-resizing)
 * for the two latencies and the fan-out size, and the dropped/queued sums. Recording is O(1) and
 * the percentiles are read off the histograms, never by sorting.
 */
public final class DeliveryWindow {
    static final int SIGNIFICANT_DIGITS = 3;

    final Histogram sendToAppend;
    final Histogram appendToDeliver;
    final Histogram fanout;
    long dropped;
    long queued;

    public DeliveryWindow() {
        this(histogram(), histogram(), histogram(), 0, 0);
    }

    DeliveryWindow(
            Histogram sendToAppend,
            Histogram appendToDeliver,
            Histogram fanout,
            long dropped,
            long queued) {
        this.sendToAppend = sendToAppend;
        this.appendToDeliver = appendToDeliver;
        this.fanout = fanout;
        this.dropped = dropped;
        this.queued = queued;
    }

    static Histogram histogram() {
        return new Histogram(SIGNIFICANT_DIGITS);
    }

    /**
     * Adds one delivery. Latencies below zero (a client clock ahead of the server's) count as 0: a
     * histogram has no negative values, and the count must still match the deliveries.
     */
    public void add(DeliveryStat stat) {
        sendToAppend.recordValue(Math.max(0, stat.sequencedTs() - stat.clientTs()));
        appendToDeliver.recordValue(Math.max(0, stat.deliveredTs() - stat.sequencedTs()));
        fanout.recordValue(Math.max(0, stat.recipients()));
        dropped += Math.max(0, stat.dropped());
        queued += Math.max(0, stat.queued());
    }

    public DeliverySummary summary(long windowEnd) {
        return new DeliverySummary(
                windowEnd,
                percentiles(sendToAppend),
                percentiles(appendToDeliver),
                percentiles(fanout),
                dropped,
                queued);
    }

    public long count() {
        return sendToAppend.getTotalCount();
    }

    DeliveryWindow copy() {
        return new DeliveryWindow(
                sendToAppend.copy(), appendToDeliver.copy(), fanout.copy(), dropped, queued);
    }

    private static Percentiles percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return Percentiles.EMPTY;
        }
        return new Percentiles(
                h.getTotalCount(),
                h.getValueAtPercentile(50),
                h.getValueAtPercentile(95),
                h.getValueAtPercentile(99),
                h.getMaxValue());
    }
}

package io.parley.flink.pulsar;

import java.util.Optional;
import org.apache.flink.connector.pulsar.source.enumerator.cursor.CursorPosition;
import org.apache.flink.connector.pulsar.source.enumerator.cursor.StartCursor;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.impl.MessageIdImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a job without restored state where its durable subscription stands, and at the earliest
 * message when the subscription does not exist yet.
 *
 * <p>Why: flink-connector-pulsar 4.1 seeks the subscription to the {@link StartCursor} for every
 * partition of a job that starts without state ({@code
 * PulsarSourceEnumerator.checkPartitionChanges} calls {@code CursorPosition.setupSubPosition}
 * unconditionally; the {@code pulsar.source.resetSubscriptionCursor} option is declared but never
 * read). With {@code earliest()} every restart of the local cluster would re-read the whole log;
 * with {@code latest()} it would skip what was published while it was down. This cursor reads the
 * subscription's mark-delete position (what the last completed checkpoint acknowledged) through the
 * admin API and resumes right after it. So a replay is: stop the job, reset the subscription with
 * the admin API, start the job again.
 */
public final class SubscriptionStartCursor implements StartCursor {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionStartCursor.class);

    private final String adminUrl;
    private final String subscription;

    public SubscriptionStartCursor(String adminUrl, String subscription) {
        this.adminUrl = adminUrl;
        this.subscription = subscription;
    }

    @Override
    public CursorPosition position(String topic, int partitionId) {
        String partition = partitionId >= 0 ? topic + "-partition-" + partitionId : topic;
        Optional<PulsarAdminRest.Position> acked =
                new PulsarAdminRest(adminUrl).markDeletePosition(partition, subscription);
        if (acked.isEmpty()) {
            LOG.info(
                    "{} on {}: new subscription, starting at the earliest message",
                    subscription,
                    partition);
            return new CursorPosition(MessageId.earliest, true);
        }
        LOG.info("{} on {}: resuming after {}", subscription, partition, acked.get());
        // exclusive: the mark-delete position itself is acknowledged; the connector seeks to
        // (ledger, entry + 1) and the broker moves on to the next valid entry from there
        return new CursorPosition(
                new MessageIdImpl(acked.get().ledgerId(), acked.get().entryId(), partitionId),
                false);
    }
}

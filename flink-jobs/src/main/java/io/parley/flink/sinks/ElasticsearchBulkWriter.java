package io.parley.flink.sinks;

import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import io.parley.flink.records.MessageRow;
import io.parley.flink.records.SearchDocument;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * Buffers index operations and sends them as one bulk request when the buffer holds {@code
 * maxActions}, when the oldest buffered operation is {@code flushIntervalMs} old (a timer on the
 * task's mailbox thread), and on {@link #flush} (before every checkpoint barrier: a checkpoint
 * completes only once everything before it is indexed, so the source acknowledges nothing
 * unindexed). A failed item fails the bulk with an exception: the job restarts from the last
 * checkpoint and writes again, which the doc id makes harmless.
 *
 * <p>Every few seconds it checks that the index exists and creates it from its definition if not:
 * indexing into a deleted index would otherwise make Elasticsearch create one with a dynamic
 * mapping.
 */
final class ElasticsearchBulkWriter implements SinkWriter<MessageRow> {
    private static final long INDEX_CHECK_INTERVAL_MS = 5_000;

    private final SearchIndex index;
    private final int maxActions;
    private final long flushIntervalMs;
    private final ProcessingTimeService time;
    private final Counter sent;
    private final List<BulkOperation> buffer = new ArrayList<>();
    private boolean timerArmed;
    private long indexCheckedAt;

    ElasticsearchBulkWriter(
            SearchIndex index,
            int maxActions,
            long flushIntervalMs,
            ProcessingTimeService time,
            SinkWriterMetricGroup metrics)
            throws IOException {
        this.index = index;
        this.maxActions = Math.max(1, maxActions);
        this.flushIntervalMs = flushIntervalMs;
        this.time = time;
        this.sent = metrics.getNumRecordsSendCounter();
        index.ensureExists();
        this.indexCheckedAt = time.getCurrentProcessingTime();
    }

    @Override
    public void write(MessageRow row, Context context) throws IOException {
        SearchDocument document = SearchDocument.of(row);
        buffer.add(
                BulkOperation.of(
                        op ->
                                op.index(
                                        i ->
                                                i.index(index.name())
                                                        .id(row.docId())
                                                        .document(document))));
        if (buffer.size() >= maxActions) {
            sendBulk();
        } else if (!timerArmed && flushIntervalMs > 0) {
            timerArmed = true;
            time.registerTimer(
                    time.getCurrentProcessingTime() + flushIntervalMs,
                    at -> {
                        timerArmed = false;
                        sendBulk();
                    });
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        sendBulk();
    }

    private void sendBulk() throws IOException {
        if (buffer.isEmpty()) {
            return;
        }
        long now = time.getCurrentProcessingTime();
        if (now - indexCheckedAt >= INDEX_CHECK_INTERVAL_MS) {
            index.ensureExists();
            indexCheckedAt = now;
        }
        BulkResponse response = index.client().bulk(b -> b.operations(buffer));
        if (response.errors()) {
            for (BulkResponseItem item : response.items()) {
                if (item.error() != null) {
                    throw new IOException(
                            "bulk indexing failed for "
                                    + item.id()
                                    + ": "
                                    + item.error().type()
                                    + " "
                                    + item.error().reason());
                }
            }
        }
        sent.inc(buffer.size());
        buffer.clear();
    }

    @Override
    public void close() {
        index.close();
    }
}

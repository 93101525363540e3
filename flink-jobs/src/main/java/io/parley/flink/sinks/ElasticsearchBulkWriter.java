package io.parley.flink.sinks;

import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.bulk.OperationType;
import io.parley.flink.records.SearchDocument;
import io.parley.flink.records.SearchOp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * Buffers index operations in arrival order and sends them as one bulk request when the buffer
 * holds {@code maxActions}, when the oldest buffered operation is {@code flushIntervalMs} old (a
 * timer on the task's mailbox thread), and on {@link #flush} (before every checkpoint barrier: a
 * checkpoint completes only once everything before it is indexed, so the source acknowledges
 * nothing unindexed). Elasticsearch applies one bulk's ops on a document in request order, and
 * bulks go one at a time, so the ops of a doc id land in the order this writer got them. A failed
 * item fails the bulk with an exception: the job restarts from the last checkpoint and writes
 * again, which the doc id makes harmless. Two outcomes are not failures: deleting a missing
 * document (404, no error), and updating one ({@code document_missing_exception}): it was deleted,
 * or a replay started after it, and there is nothing to update.
 *
 * <p>Every few seconds it checks that the index exists and creates it from its definition if not:
 * indexing into a deleted index would otherwise make Elasticsearch create one with a dynamic
 * mapping.
 */
final class ElasticsearchBulkWriter implements SinkWriter<SearchOp> {
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
    public void write(SearchOp op, Context context) throws IOException {
        buffer.add(operationOf(index.name(), op));
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
        Optional<String> failure = failureOf(response);
        if (failure.isPresent()) {
            throw new IOException(failure.get());
        }
        sent.inc(buffer.size());
        buffer.clear();
    }

    /** The bulk operation of one op on {@code indexName}. */
    static BulkOperation operationOf(String indexName, SearchOp op) {
        String id = op.docId();
        return switch (op.kind()) {
            case INDEX -> {
                SearchDocument document = SearchDocument.of(op);
                yield BulkOperation.of(
                        b -> b.index(i -> i.index(indexName).id(id).document(document)));
            }
            case UPDATE -> {
                SearchDocument.Body body = new SearchDocument.Body(op.body());
                yield BulkOperation.of(
                        b -> b.update(u -> u.index(indexName).id(id).action(a -> a.doc(body))));
            }
            case DELETE -> BulkOperation.of(b -> b.delete(d -> d.index(indexName).id(id)));
        };
    }

    /** The first item that failed, ignoring updates of documents that are not there. */
    static Optional<String> failureOf(BulkResponse response) {
        if (!response.errors()) {
            return Optional.empty();
        }
        for (BulkResponseItem item : response.items()) {
            if (item.error() == null || isMissingUpdateTarget(item)) {
                continue;
            }
            return Optional.of(
                    "bulk "
                            + item.operationType().jsonValue()
                            + " failed for "
                            + item.id()
                            + ": "
                            + item.error().type()
                            + " "
                            + item.error().reason());
        }
        return Optional.empty();
    }

    private static boolean isMissingUpdateTarget(BulkResponseItem item) {
        return item.operationType() == OperationType.Update
                && "document_missing_exception".equals(item.error().type());
    }

    @Override
    public void close() {
        index.close();
    }
}

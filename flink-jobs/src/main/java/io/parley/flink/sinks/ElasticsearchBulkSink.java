package io.parley.flink.sinks;

import io.parley.flink.records.SearchOp;
import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Applies {@link SearchOp}s to {@value SearchIndex#NAME} (or a test's index) with
 * elasticsearch-java bulk requests, doc id {@code room_id:seq}: index a message (writing it twice
 * leaves one identical document), update an edited body, delete a deleted message. Each writer
 * keeps the order it receives the ops in. See {@link ElasticsearchBulkWriter} for when it flushes.
 */
public final class ElasticsearchBulkSink implements Sink<SearchOp> {
    private static final long serialVersionUID = 1L;

    private final String esUrl;
    private final String index;
    private final int maxActions;
    private final long flushIntervalMs;

    public ElasticsearchBulkSink(String esUrl, int maxActions, Duration flushInterval) {
        this(esUrl, SearchIndex.NAME, maxActions, flushInterval);
    }

    public ElasticsearchBulkSink(
            String esUrl, String index, int maxActions, Duration flushInterval) {
        this.esUrl = esUrl;
        this.index = index;
        this.maxActions = maxActions;
        this.flushIntervalMs = flushInterval.toMillis();
    }

    @Override
    public SinkWriter<SearchOp> createWriter(WriterInitContext context) throws IOException {
        return new ElasticsearchBulkWriter(
                SearchIndex.connect(esUrl, index),
                maxActions,
                flushIntervalMs,
                context.getProcessingTimeService(),
                context.metricGroup());
    }

    /** Flink 1.20 still declares this one abstract; the runtime calls the method above. */
    @Override
    @Deprecated
    public SinkWriter<SearchOp> createWriter(InitContext context) {
        throw new UnsupportedOperationException("use createWriter(WriterInitContext)");
    }
}

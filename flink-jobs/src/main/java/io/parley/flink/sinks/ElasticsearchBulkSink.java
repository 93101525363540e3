package io.parley.flink.sinks;

import io.parley.flink.records.MessageRow;
import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Indexes messages into {@value SearchIndex#NAME} (or a test's index) with elasticsearch-java bulk
 * requests (doc id {@code room_id:seq}, an index op: writing a message twice leaves one identical
 * document). See {@link ElasticsearchBulkWriter} for when it flushes.
 */
public final class ElasticsearchBulkSink implements Sink<MessageRow> {
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
    public SinkWriter<MessageRow> createWriter(WriterInitContext context) throws IOException {
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
    public SinkWriter<MessageRow> createWriter(InitContext context) {
        throw new UnsupportedOperationException("use createWriter(WriterInitContext)");
    }
}

package io.parley.flink.sinks;

import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes the {@link RedisCommand}s of each record ({@link RedisCommand.Mapper}) to Redis, pipelined
 * per batch; see {@link RedisWriter} for when a batch goes. No order is kept across writers, and
 * none is needed: every projection command is idempotent and order-independent.
 */
public final class RedisSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** A batch is sent once it holds this many commands... */
    public static final int MAX_COMMANDS = 500;

    /** ...or once its oldest command has waited this long (or at the next checkpoint). */
    public static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);

    private final String redisUrl;
    private final RedisCommand.Mapper<T> mapper;

    public RedisSink(String redisUrl, RedisCommand.Mapper<T> mapper) {
        this.redisUrl = redisUrl;
        this.mapper = mapper;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return new RedisWriter<>(
                mapper,
                new JedisBatches(redisUrl),
                MAX_COMMANDS,
                FLUSH_INTERVAL.toMillis(),
                context.getProcessingTimeService(),
                context.metricGroup().counter("redis_commands_sent"));
    }

    /** Flink 1.20 still declares this one abstract; the runtime calls the method above. */
    @Override
    @Deprecated
    public SinkWriter<T> createWriter(InitContext context) {
        throw new UnsupportedOperationException("use createWriter(WriterInitContext)");
    }
}

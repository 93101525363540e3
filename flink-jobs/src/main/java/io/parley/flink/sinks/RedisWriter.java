package io.parley.flink.sinks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;

/**
 * Buffers the commands of the records it gets and applies them as one pipelined batch when {@code
 * maxCommands} are buffered, when the oldest is {@code flushIntervalMs} old (a timer on the task's
 * mailbox thread), and on {@link #flush} (before every checkpoint barrier: a checkpoint completes
 * only once everything before it is in Redis, so the source acknowledges nothing unapplied). A
 * failed batch fails the writer: the job restarts from its last checkpoint and applies it again,
 * which the idempotent commands make harmless.
 */
final class RedisWriter<T> implements SinkWriter<T> {
    private final RedisCommand.Mapper<T> mapper;
    private final RedisBatches redis;
    private final int maxCommands;
    private final long flushIntervalMs;
    private final ProcessingTimeService time;
    private final Counter sent;
    private final List<RedisCommand> buffer = new ArrayList<>();
    private boolean timerArmed;

    RedisWriter(
            RedisCommand.Mapper<T> mapper,
            RedisBatches redis,
            int maxCommands,
            long flushIntervalMs,
            ProcessingTimeService time,
            Counter sent) {
        this.mapper = mapper;
        this.redis = redis;
        this.maxCommands = Math.max(1, maxCommands);
        this.flushIntervalMs = flushIntervalMs;
        this.time = time;
        this.sent = sent;
    }

    @Override
    public void write(T record, Context context) throws IOException {
        buffer.addAll(mapper.commands(record));
        if (buffer.size() >= maxCommands) {
            send();
        } else if (!buffer.isEmpty() && !timerArmed && flushIntervalMs > 0) {
            timerArmed = true;
            time.registerTimer(
                    time.getCurrentProcessingTime() + flushIntervalMs,
                    at -> {
                        timerArmed = false;
                        send();
                    });
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        send();
    }

    private void send() throws IOException {
        if (buffer.isEmpty()) {
            return;
        }
        redis.apply(buffer);
        sent.inc(buffer.size());
        buffer.clear();
    }

    @Override
    public void close() {
        redis.close();
    }
}

package io.parley.flink.sinks;

import java.io.IOException;
import java.util.List;

/** Applies a batch of commands in one round trip; an error reply of any fails the batch. */
interface RedisBatches extends AutoCloseable {

    void apply(List<RedisCommand> batch) throws IOException;

    @Override
    void close();
}

package io.parley.flink.sinks;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/** {@link RedisBatches} over Jedis: one pipeline per batch, in the batch's order. */
final class JedisBatches implements RedisBatches {
    private final JedisPooled redis;

    JedisBatches(String redisUrl) {
        this.redis = new JedisPooled(URI.create(redisUrl));
    }

    @Override
    public void apply(List<RedisCommand> batch) throws IOException {
        List<Response<?>> replies = new ArrayList<>(batch.size());
        try (Pipeline pipeline = redis.pipelined()) {
            for (RedisCommand command : batch) {
                replies.add(queue(pipeline, command));
            }
            pipeline.sync();
        }
        for (int i = 0; i < replies.size(); i++) {
            try {
                replies.get(i).get();
            } catch (JedisDataException e) {
                // a script or type error is a bug, not a hiccup: fail (the job restarts from its
                // last checkpoint and applies the batch again, which the commands make harmless)
                throw new IOException("Redis rejected " + batch.get(i) + ": " + e.getMessage(), e);
            }
        }
    }

    private static Response<?> queue(Pipeline pipeline, RedisCommand command) {
        if (command instanceof RedisCommand.Eval eval) {
            return pipeline.eval(eval.script(), eval.keys(), eval.args());
        }
        if (command instanceof RedisCommand.SAdd sadd) {
            return pipeline.sadd(sadd.key(), sadd.member());
        }
        throw new IllegalArgumentException("no Redis call for " + command);
    }

    @Override
    public void close() {
        redis.close();
    }
}

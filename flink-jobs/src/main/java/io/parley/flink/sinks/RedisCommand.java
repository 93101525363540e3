package io.parley.flink.sinks;

import java.io.Serializable;
import java.util.List;

/**
 * One Redis command of a projection, as plain data (the sink turns it into a pipelined Jedis call),
 * so the logic that derives commands from a log entry is testable without Redis. Every command a
 * projection writes is idempotent and order-independent: a set insert, or a script guarded by the
 * entry's seq or log position ({@code RedisKeys}).
 */
public sealed interface RedisCommand {

    /** {@code EVAL script numkeys keys... args...}. */
    record Eval(String script, List<String> keys, List<String> args) implements RedisCommand {
        public Eval {
            keys = List.copyOf(keys);
            args = List.copyOf(args);
        }
    }

    /** {@code SADD key member}. */
    record SAdd(String key, String member) implements RedisCommand {}

    static RedisCommand eval(String script, List<String> keys, List<String> args) {
        return new Eval(script, keys, args);
    }

    static RedisCommand sadd(String key, String member) {
        return new SAdd(key, member);
    }

    /** The commands of one record (empty for one that touches no cache). */
    @FunctionalInterface
    interface Mapper<T> extends Serializable {
        List<RedisCommand> commands(T record);
    }
}

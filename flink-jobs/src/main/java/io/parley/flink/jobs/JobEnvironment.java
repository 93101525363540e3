package io.parley.flink.jobs;

import io.parley.flink.ParleyConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** What every Parley job runs with: checkpoints, a fixed-delay restart strategy, parallelism. */
public final class JobEnvironment {
    private JobEnvironment() {}

    /** The environment of a job submitted by its own {@code main()} (a real Flink cluster). */
    public static StreamExecutionEnvironment create(ParleyConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure(env, config);
        return env;
    }

    public static void configure(StreamExecutionEnvironment env, ParleyConfig config) {
        // the Pulsar source acknowledges only on completed checkpoints: without them it never acks
        env.enableCheckpointing(
                config.checkpointInterval().toMillis(), CheckpointingMode.AT_LEAST_ONCE);
        env.getCheckpointConfig()
                .setMinPauseBetweenCheckpoints(config.checkpointInterval().toMillis() / 2);
        env.setParallelism(config.parallelism());
        // records cross a network hop after the parallelism-1 source: ship buffers after at most
        // 20 ms instead of the default 100 ms, this is a latency pipeline, not a batch one
        env.setBufferTimeout(20);
        Configuration restart = new Configuration();
        restart.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restart.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
                config.restartAttempts());
        restart.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, config.restartDelay());
        env.configure(restart);
        // records are immutable: chained operators may pass them on without a defensive copy
        env.getConfig().enableObjectReuse();
    }
}

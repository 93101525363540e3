package io.parley.flink.jobs;

import io.parley.flink.LocalToken;
import io.parley.flink.ParleyConfig;
import io.parley.flink.pulsar.JsonEventDeserializer;
import io.parley.flink.pulsar.PulsarConnectors;
import io.parley.flink.push.PushCapFunction;
import io.parley.flink.push.PushOptions;
import io.parley.flink.push.PushSink;
import io.parley.schemas.events.PushRequest;
import io.parley.schemas.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;

/**
 * Push: {@code events/push} (members with no live device, from FanOut) -> frequency capping per
 * (user, room) in keyed state -> FCM through firebase-admin for each registered device token
 * ({@code devices}); a token FCM reports dead becomes {@code push_token_removed} on the users' log
 * ({@link PushSink}), which the user projection job applies to {@code devices}.
 *
 * <p>A Flink job rather than a function: the cap is keyed state that survives restarts with the
 * checkpoints, and the sends are off the live path.
 */
public final class PushJob {
    public static final String NAME = "Parley: push";

    private final Source<PushRequest, ?, ?> source;
    private final SinkFunction<PushRequest> sink;
    private final long capMs;

    public PushJob(Source<PushRequest, ?, ?> source, SinkFunction<PushRequest> sink, long capMs) {
        this.source = source;
        this.sink = sink;
        this.capMs = capMs;
    }

    public static PushJob production(ParleyConfig config, String subscription) {
        PushOptions push = PushOptions.fromEnv();
        String accessToken = push.accessToken();
        if (accessToken.isEmpty()) {
            // the local receiver's: LocalCluster writes it before it submits the jobs
            try {
                accessToken = LocalToken.readOrEmpty(LocalToken.file(config.home()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the local token", e);
            }
        }
        return new PushJob(
                PulsarConnectors.source(
                        config,
                        Topics.PUSH.name(),
                        subscription,
                        JsonEventDeserializer.of(Topics.PUSH)),
                new PushSink(
                        config.cassandraHost(),
                        config.cassandraPort(),
                        push.projectId(),
                        push.endpoint(),
                        accessToken,
                        config.pulsarServiceUrl(),
                        Topics.USERS.name()),
                push.capMs());
    }

    public void build(StreamExecutionEnvironment env) {
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "push requests")
                .uid("push-source")
                .setParallelism(PulsarConnectors.SOURCE_PARALLELISM)
                .keyBy(PushCapFunction::key)
                .process(new PushCapFunction(capMs))
                .name("cap per user and room")
                .uid("push-cap")
                .addSink(sink)
                .name("FCM (firebase-admin)")
                .uid("fcm-sink");
    }

    public static void main(String[] args) throws Exception {
        ParleyConfig config = ParleyConfig.fromEnv();
        StreamExecutionEnvironment env = JobEnvironment.create(config);
        production(config, ParleyJob.PUSH.subscription()).build(env);
        env.execute(NAME);
    }
}

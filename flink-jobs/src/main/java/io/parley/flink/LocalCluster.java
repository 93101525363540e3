package io.parley.flink;

import io.parley.flink.jobs.JobEnvironment;
import io.parley.flink.jobs.ParleyJob;
import io.parley.flink.pulsar.PulsarAdminRest;
import io.parley.flink.push.LocalFcmReceiver;
import io.parley.flink.push.PushOptions;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parley's local Flink cluster: a MiniCluster in this JVM with the dashboard/REST API on
 * 127.0.0.1:{@code FLINK_REST_PORT}, one slot per job and parallelism unit, checkpoints under
 * {@code $PARLEY_HOME/data/flink}; it submits every job of {@link ParleyJob} and serves the replay
 * control endpoint ({@link ControlEndpoint}) and the local FCM receiver until the process is
 * stopped, both behind a {@link LocalToken} made at start.
 *
 * <p>Every listener is on 127.0.0.1 ({@link #flinkConfiguration}): REST, the JobManager's and
 * TaskManager's RPC, the BlobServer (it binds {@code jobmanager.bind-host}, the wildcard by
 * default), the shuffle and the metrics query service. The REST API sends no {@code
 * Access-Control-Allow-Origin: *} (only the dashboard's own origin) and has no web jar upload/run
 * ({@code web.submit.enable: false}): jobs are submitted in-process.
 *
 * <p>Jobs start without restored state; each resumes where its durable subscription stands (see
 * {@code SubscriptionStartCursor}), so stopping and starting the cluster neither loses nor re-reads
 * the log.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(60);
    private static final String LOOPBACK = "127.0.0.1";

    private final ParleyConfig config;
    private final MiniCluster cluster;
    private final Map<ParleyJob, JobID> jobs = new EnumMap<>(ParleyJob.class);

    private LocalCluster(ParleyConfig config, MiniCluster cluster) {
        this.config = config;
        this.cluster = cluster;
    }

    public static void main(String[] args) throws Exception {
        ParleyConfig config = ParleyConfig.fromEnv();
        LocalToken token = LocalToken.generate();
        LocalCluster local = start(config);
        ControlEndpoint control = ControlEndpoint.start(local, config.controlPort(), token);
        PushOptions push = PushOptions.fromEnv();
        if (push.receiverPort() > 0) {
            // FCM cannot be reached from here: a local FCM-compatible receiver stands in
            LocalFcmReceiver.start("127.0.0.1", push.receiverPort(), token);
            LOG.info("local FCM receiver on http://127.0.0.1:{}", push.receiverPort());
        }
        // written once every port is ours (a second instance fails above and keeps this one's
        // token), and before the push job reads it
        token.writeTo(LocalToken.file(config.home()));
        LOG.info("local token in {}", LocalToken.file(config.home()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    control.close();
                                    local.close();
                                    stopped.countDown();
                                },
                                "parley-flink-shutdown"));
        for (ParleyJob job : ParleyJob.values()) {
            local.submit(job);
        }
        LOG.info(
                "Parley Flink cluster up: dashboard http://127.0.0.1:{}, control http://127.0.0.1:{}",
                config.restPort(),
                config.controlPort());
        stopped.await();
    }

    public static LocalCluster start(ParleyConfig config) throws Exception {
        Files.createDirectories(config.checkpointDir());
        Configuration flink = flinkConfiguration(config);
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(flink)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(
                                        flink.get(TaskManagerOptions.NUM_TASK_SLOTS))
                                .setCommonBindAddress(LOOPBACK)
                                .build());
        cluster.start();
        return new LocalCluster(config, cluster);
    }

    /** The MiniCluster's options: loopback only, no web submission, no any-origin CORS. */
    static Configuration flinkConfiguration(ParleyConfig config) {
        Configuration flink = new Configuration();
        flink.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        flink.set(RestOptions.ADDRESS, LOOPBACK);
        flink.set(RestOptions.PORT, config.restPort());
        // the BlobServer binds jobmanager.bind-host (default 0.0.0.0), the RPC services and the
        // shuffle the *.bind-host / taskmanager.host
        flink.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        flink.set(JobManagerOptions.ADDRESS, LOOPBACK);
        flink.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        flink.set(TaskManagerOptions.HOST, LOOPBACK);
        // the dashboard is same-origin; Flink's default answers every origin with *
        flink.set(
                WebOptions.ACCESS_CONTROL_ALLOW_ORIGIN,
                "http://" + LOOPBACK + ":" + config.restPort());
        flink.set(WebOptions.SUBMIT_ENABLE, false);
        flink.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        flink.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                config.checkpointDir().toUri().toString());
        flink.set(
                TaskManagerOptions.NUM_TASK_SLOTS,
                ParleyJob.values().length * config.parallelism());
        return flink;
    }

    /** The REST API's and dashboard's address. */
    public URI restAddress() throws Exception {
        return cluster.getRestAddress().get();
    }

    /** Submits a fresh instance of a job (no restored state). */
    public synchronized JobID submit(ParleyJob job) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        JobEnvironment.configure(env, config);
        job.define(env, config);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(job.jobName);
        JobGraph jobGraph = graph.getJobGraph();
        cluster.submitJob(jobGraph).get();
        jobs.put(job, jobGraph.getJobID());
        LOG.info("submitted {} as {}", job.jobName, jobGraph.getJobID());
        return jobGraph.getJobID();
    }

    /**
     * Replay by topic reset: cancels the job, moves its subscription to {@code fromTimestamp}
     * (epoch ms of publish time, 0 = earliest) with the Pulsar admin API, and submits the job again
     * without state, so it re-reads the log from there. The writers are idempotent, so this changes
     * nothing in a store that is complete and rebuilds one that was wiped.
     */
    public synchronized ReplayResult replay(ParleyJob job, long fromTimestamp) throws Exception {
        JobID previous = jobs.remove(job);
        if (previous != null) {
            JobStatus status = cluster.getJobStatus(previous).get();
            if (!status.isGloballyTerminalState()) {
                cluster.cancelJob(previous).get();
            }
            // the subscription can be reset only once the job's consumers are gone
            cluster.requestJobResult(previous)
                    .get(CANCEL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        new PulsarAdminRest(config.pulsarAdminUrl())
                .resetCursor(job.inputTopic, job.subscription(), fromTimestamp);
        LOG.info("reset {} on {} to {}", job.subscription(), job.inputTopic, fromTimestamp);
        JobID next = submit(job);
        return new ReplayResult(
                job.id,
                fromTimestamp,
                previous == null ? null : previous.toString(),
                next.toString());
    }

    /** What a replay did. */
    public record ReplayResult(String job, long from, String cancelled, String submitted) {}

    /** The current instance of each job and its status. */
    public synchronized Map<ParleyJob, String> statuses() throws Exception {
        Map<ParleyJob, String> statuses = new EnumMap<>(ParleyJob.class);
        for (Map.Entry<ParleyJob, JobID> job : jobs.entrySet()) {
            statuses.put(job.getKey(), cluster.getJobStatus(job.getValue()).get().name());
        }
        return statuses;
    }

    @Override
    public void close() {
        try {
            cluster.closeAsync().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Flink cluster did not stop cleanly", e);
        }
    }
}

package io.parley.flink.jobs;

import io.parley.flink.ParleyConfig;
import io.parley.schemas.topics.Topics;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The jobs of the local cluster: id (as {@code Replay} and the control endpoint name them), the job
 * name on the dashboard, the input topic and the durable subscription {@code parley-<id>} the job
 * reads it with.
 */
public enum ParleyJob {
    PERSISTENCE("persistence", PersistenceJob.NAME, Topics.MESSAGES.name()),
    SEARCH("search", SearchIndexJob.NAME, Topics.MESSAGES.name()),
    RECEIPTS("receipts", ReceiptsJob.NAME, Topics.RECEIPTS.name()),
    METRICS("metrics", DeliveryMetricsJob.NAME, Topics.DELIVERY_STATS.name()),
    PUSH("push", PushJob.NAME, Topics.PUSH.name()),
    USERS("users", UserProjectionJob.NAME, Topics.USERS.name());

    public final String id;
    public final String jobName;
    public final String inputTopic;

    ParleyJob(String id, String jobName, String inputTopic) {
        this.id = id;
        this.jobName = jobName;
        this.inputTopic = inputTopic;
    }

    public String subscription() {
        return "parley-" + id;
    }

    public static ParleyJob byId(String id) {
        for (ParleyJob job : values()) {
            if (job.id.equals(id.toLowerCase(Locale.ROOT))) {
                return job;
            }
        }
        throw new IllegalArgumentException("unknown job '" + id + "': one of " + ids());
    }

    /** Every job id, comma-separated. */
    public static String ids() {
        return Arrays.stream(values()).map(job -> job.id).collect(Collectors.joining(", "));
    }

    /** Adds this job's pipeline, with its production connectors, to {@code env}. */
    public void define(StreamExecutionEnvironment env, ParleyConfig config) {
        switch (this) {
            case PERSISTENCE -> PersistenceJob.production(config, subscription()).build(env);
            case SEARCH -> SearchIndexJob.production(config, subscription()).build(env);
            case RECEIPTS ->
                    ReceiptsJob.production(
                                    config,
                                    inputTopic,
                                    subscription(),
                                    Topics.RECEIPT_UPDATES.name())
                            .build(env);
            case METRICS ->
                    DeliveryMetricsJob.production(config, inputTopic, subscription()).build(env);
            case PUSH -> PushJob.production(config, subscription()).build(env);
            case USERS -> UserProjectionJob.production(config, subscription()).build(env);
        }
    }
}

package io.parley.flink.push;

import static io.parley.flink.sinks.CassandraClusterBuilder.KEYSPACE;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import io.parley.flink.sinks.CassandraClusterBuilder;
import io.parley.schemas.events.PushRequest;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.topics.Topics;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a capped push to every registered device of the user ({@code devices}, the user
 * projection's table). A token FCM reports dead is not deleted here: {@code devices} is a
 * projection of the users' log, so the sink appends {@code push_token_removed(user, device, token)}
 * to that log (key = user id) and the user projection drops the row if the device still has that
 * token. Counts sent, dead and failed pushes as Flink metrics.
 */
public final class PushSink extends RichSinkFunction<PushRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(PushSink.class);

    private final String cassandraHost;
    private final int cassandraPort;
    private final String projectId;
    private final String endpoint;
    private final String accessToken;
    private final String pulsarServiceUrl;
    private final String usersTopic;

    private transient Cluster cluster;
    private transient Session session;
    private transient PreparedStatement tokens;
    private transient FcmPusher pusher;
    private transient PulsarClient pulsar;
    private transient Producer<String> users;
    private transient Counter sent;
    private transient Counter invalid;
    private transient Counter failed;

    /**
     * @param accessToken the bearer token for {@code endpoint} (unused for real FCM)
     * @param usersTopic the users' log ({@code Topics.USERS} in production, a test's own topic)
     */
    public PushSink(
            String cassandraHost,
            int cassandraPort,
            String projectId,
            String endpoint,
            String accessToken,
            String pulsarServiceUrl,
            String usersTopic) {
        this.cassandraHost = cassandraHost;
        this.cassandraPort = cassandraPort;
        this.projectId = projectId;
        this.endpoint = endpoint;
        this.accessToken = accessToken;
        this.pulsarServiceUrl = pulsarServiceUrl;
        this.usersTopic = usersTopic;
    }

    @Override
    public void open(Configuration parameters) throws Exception {
        cluster = new CassandraClusterBuilder(cassandraHost, cassandraPort).getCluster();
        session = cluster.connect();
        tokens =
                session.prepare(
                        "SELECT device_id, push_token FROM "
                                + KEYSPACE
                                + ".devices WHERE user_id = ?");
        pusher = new FcmPusher(projectId, endpoint, accessToken);
        pulsar = PulsarClient.builder().serviceUrl(pulsarServiceUrl).build();
        users = pulsar.newProducer(Schema.STRING).topic(usersTopic).create();
        sent = getRuntimeContext().getMetricGroup().counter("pushes_sent");
        invalid = getRuntimeContext().getMetricGroup().counter("push_tokens_removed");
        failed = getRuntimeContext().getMetricGroup().counter("pushes_failed");
    }

    @Override
    public void invoke(PushRequest push, Context context) {
        for (Row device : session.execute(tokens.bind(push.userId()))) {
            String token = device.getString("push_token");
            switch (pusher.send(push, token)) {
                case SENT -> sent.inc();
                case INVALID_TOKEN -> {
                    reportDead(push.userId(), device.getString("device_id"), token);
                    invalid.inc();
                }
                case FAILED -> failed.inc();
            }
        }
    }

    /**
     * Appends the removal to the user's log. If that fails, the row stays and the next push to the
     * token reports it again, so this is logged rather than failing (and re-sending) the pushes.
     */
    private void reportDead(String userId, String deviceId, String token) {
        UserEvent removed =
                UserEvent.pushTokenRemoved(
                        userId,
                        UUID.randomUUID().toString(),
                        System.currentTimeMillis(),
                        deviceId,
                        token);
        try {
            users.newMessage().key(userId).value(Topics.USERS.encode(removed)).send();
        } catch (PulsarClientException e) {
            LOG.warn(
                    "could not report the dead token of {}/{} ({}); the next push reports it again",
                    userId,
                    deviceId,
                    e.getMessage());
        }
    }

    @Override
    public void close() throws Exception {
        if (users != null) {
            users.close();
        }
        if (pulsar != null) {
            pulsar.close();
        }
        if (session != null) {
            session.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}

package io.parley.flink.push;

import static io.parley.flink.sinks.CassandraClusterBuilder.KEYSPACE;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import io.parley.flink.sinks.CassandraClusterBuilder;
import io.parley.schemas.events.PushRequest;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;

/**
 * Sends a capped push to every registered device of the user ({@code devices}); a token FCM reports
 * invalid is deleted. Counts sent, invalid and failed pushes as Flink metrics.
 */
public final class PushSink extends RichSinkFunction<PushRequest> {
    private final String cassandraHost;
    private final int cassandraPort;
    private final String projectId;
    private final String endpoint;

    private transient Cluster cluster;
    private transient Session session;
    private transient PreparedStatement tokens;
    private transient PreparedStatement deleteToken;
    private transient FcmPusher pusher;
    private transient Counter sent;
    private transient Counter invalid;
    private transient Counter failed;

    public PushSink(String cassandraHost, int cassandraPort, String projectId, String endpoint) {
        this.cassandraHost = cassandraHost;
        this.cassandraPort = cassandraPort;
        this.projectId = projectId;
        this.endpoint = endpoint;
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
        deleteToken =
                session.prepare(
                        "DELETE FROM " + KEYSPACE + ".devices WHERE user_id = ? AND device_id = ?");
        pusher = new FcmPusher(projectId, endpoint);
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
                    session.execute(deleteToken.bind(push.userId(), device.getString("device_id")));
                    invalid.inc();
                }
                case FAILED -> failed.inc();
            }
        }
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}

package io.parley.flink.users;

import static io.parley.flink.sinks.CassandraClusterBuilder.KEYSPACE;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import io.parley.flink.sinks.CassandraClusterBuilder;

/** The device directory on Cassandra {@code devices}. */
public final class CassandraDeviceDirectory implements DeviceDirectory {
    private final Cluster cluster;
    private final Session session;
    private final PreparedStatement selectToken;

    private CassandraDeviceDirectory(Cluster cluster) {
        this.cluster = cluster;
        this.session = cluster.connect();
        this.selectToken =
                session.prepare(
                        "SELECT push_token FROM "
                                + KEYSPACE
                                + ".devices WHERE user_id = ? AND device_id = ?");
    }

    /** A serializable factory for tasks. */
    public static DeviceDirectory.Factory factory(String host, int port) {
        return () ->
                new CassandraDeviceDirectory(new CassandraClusterBuilder(host, port).getCluster());
    }

    @Override
    public String pushToken(String userId, String deviceId) {
        Row row = session.execute(selectToken.bind(userId, deviceId)).one();
        return row == null ? null : row.getString("push_token");
    }

    @Override
    public void close() {
        session.close();
        cluster.close();
    }
}

package io.parley.flink.sinks;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.SocketOptions;
import org.apache.flink.streaming.connectors.cassandra.ClusterBuilder;

/** Connects the connector's DataStax 3.x driver to one contact point (host and port only). */
public final class CassandraClusterBuilder extends ClusterBuilder {
    private static final long serialVersionUID = 1L;

    /** Parley's keyspace: tables are always written qualified, never through a session default. */
    public static final String KEYSPACE = "parley";

    private final String host;
    private final int port;

    public CassandraClusterBuilder(String host, int port) {
        this.host = host;
        this.port = port;
    }

    @Override
    protected Cluster buildCluster(Cluster.Builder builder) {
        return builder.addContactPoint(host)
                .withPort(port)
                .withoutJMXReporting()
                .withSocketOptions(new SocketOptions().setConnectTimeoutMillis(5000))
                .build();
    }
}

package io.parley.edge.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.parley.edge.EdgeConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.http.HttpHost;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.elasticsearch.client.RestClient;
import redis.clients.jedis.JedisPooled;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The clients of every server the edge talks to, opened once per process. */
public final class Backends implements AutoCloseable {
    /** The longest pause between two attempts to reach the broker or Cassandra again. */
    static final long MAX_RECONNECT_BACKOFF_SECONDS = 2;

    public final CqlSession cql;
    public final JedisPooled redis;
    public final PulsarClient pulsar;
    public final ElasticsearchClient es;
    public final RestClient esRest;
    public final S3Client s3;
    public final S3Presigner presigner;

    private Backends(
            CqlSession cql,
            JedisPooled redis,
            PulsarClient pulsar,
            RestClient esRest,
            S3Client s3,
            S3Presigner presigner) {
        this.cql = cql;
        this.redis = redis;
        this.pulsar = pulsar;
        this.esRest = esRest;
        this.es =
                new ElasticsearchClient(new RestClientTransport(esRest, new JacksonJsonpMapper()));
        this.s3 = s3;
        this.presigner = presigner;
    }

    public static Backends connect(EdgeConfig c) throws PulsarClientException {
        CqlSession cql =
                CqlSession.builder()
                        .addContactPoint(
                                new InetSocketAddress(c.cassandraHost(), c.cassandraPort()))
                        .withLocalDatacenter(c.cassandraDatacenter())
                        .withConfigLoader(
                                DriverConfigLoader.programmaticBuilder()
                                        .withDuration(
                                                DefaultDriverOption.REQUEST_TIMEOUT,
                                                Duration.ofSeconds(5))
                                        .withDuration(
                                                DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT,
                                                Duration.ofSeconds(5))
                                        // like the broker: the default backoff doubles up to
                                        // 60 s, so after a long outage the edge (and /healthz)
                                        // stayed down for many seconds after Cassandra was back
                                        .withDuration(
                                                DefaultDriverOption.RECONNECTION_BASE_DELAY,
                                                Duration.ofMillis(250))
                                        .withDuration(
                                                DefaultDriverOption.RECONNECTION_MAX_DELAY,
                                                Duration.ofSeconds(MAX_RECONNECT_BACKOFF_SECONDS))
                                        .build())
                        .build();
        JedisPooled redis = new JedisPooled(URI.create(c.redisUrl()));
        PulsarClient pulsar =
                PulsarClient.builder()
                        .serviceUrl(c.pulsarServiceUrl())
                        .operationTimeout(10, TimeUnit.SECONDS)
                        // reconnect within seconds of a broker coming back: the default backoff
                        // grows to 60 s, and a gateway's delivery consumer waiting that long
                        // leaves its clients without messages (seen after a broker restart)
                        .startingBackoffInterval(100, TimeUnit.MILLISECONDS)
                        .maxBackoffInterval(MAX_RECONNECT_BACKOFF_SECONDS, TimeUnit.SECONDS)
                        .build();
        RestClient esRest = RestClient.builder(HttpHost.create(c.elasticsearchUrl())).build();
        var credentials =
                StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.s3AccessKey(), c.s3SecretKey()));
        S3Configuration pathStyle = S3Configuration.builder().pathStyleAccessEnabled(true).build();
        S3Client s3 =
                S3Client.builder()
                        .endpointOverride(URI.create(c.s3Endpoint()))
                        .region(Region.of(c.s3Region()))
                        .credentialsProvider(credentials)
                        .serviceConfiguration(pathStyle)
                        .httpClient(UrlConnectionHttpClient.create())
                        .build();
        S3Presigner presigner =
                S3Presigner.builder()
                        .endpointOverride(URI.create(c.s3Endpoint()))
                        .region(Region.of(c.s3Region()))
                        .credentialsProvider(credentials)
                        .serviceConfiguration(pathStyle)
                        .build();
        return new Backends(cql, redis, pulsar, esRest, s3, presigner);
    }

    @Override
    public void close() {
        closeQuietly(pulsar);
        closeQuietly(cql);
        closeQuietly(redis);
        closeQuietly(esRest);
        closeQuietly(s3);
        closeQuietly(presigner);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // shutting down: nothing left to do with a failure here
        }
    }
}

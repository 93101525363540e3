package io.parley.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local cluster's control surfaces, on a real MiniCluster started as {@code ./parley up} starts
 * it (no jobs: nothing here needs Pulsar): every listener on loopback, the REST API without
 * any-origin CORS or web jar submission, the control endpoint behind the local token.
 */
class LocalClusterTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path home;
    private static LocalCluster cluster;
    private static ControlEndpoint control;
    private static LocalToken token;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("parley-local-cluster");
        Map<String, String> env =
                Map.of(
                        "PARLEY_HOME", home.toString(),
                        "FLINK_REST_PORT", "0",
                        "PARLEY_FLINK_CONTROL_PORT", "0");
        ParleyConfig config = ParleyConfig.from(env::get);
        cluster = LocalCluster.start(config);
        token = LocalToken.generate();
        control = ControlEndpoint.start(cluster, 0, token);
    }

    @AfterAll
    static void stop() {
        if (control != null) {
            control.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldBindEveryFlinkServiceToLoopbackAndTurnOffWebSubmission() {
        Configuration flink = LocalCluster.flinkConfiguration(ParleyConfig.defaults());

        assertThat(flink.get(RestOptions.BIND_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(flink.get(JobManagerOptions.BIND_HOST)).isEqualTo("127.0.0.1");
        assertThat(flink.get(TaskManagerOptions.BIND_HOST)).isEqualTo("127.0.0.1");
        assertThat(flink.get(TaskManagerOptions.HOST)).isEqualTo("127.0.0.1");
        assertThat(flink.get(WebOptions.ACCESS_CONTROL_ALLOW_ORIGIN))
                .isEqualTo("http://127.0.0.1:8081");
        assertThat(flink.get(WebOptions.SUBMIT_ENABLE)).isFalse();
    }

    @Test
    void shouldListenOnLoopbackOnly() throws Exception {
        assumeTrue(ListeningSockets.available(), "needs Linux /proc");

        List<ListeningSockets.Listener> listeners = ListeningSockets.ofThisProcess();

        // REST, the control endpoint and the BlobServer (the MiniCluster's RPC is in-process)
        assertThat(listeners)
                .extracting(ListeningSockets.Listener::port)
                .contains(cluster.restAddress().getPort(), control.port());
        assertThat(listeners).hasSizeGreaterThanOrEqualTo(3);
        assertThat(listeners).allMatch(ListeningSockets.Listener::loopback, "on 127.0.0.1");
    }

    @Test
    void shouldAnswerTheRestApiWithoutAnyOriginCorsOrWebJarSubmission() throws Exception {
        URI rest = cluster.restAddress();

        HttpResponse<String> config = get(rest.resolve("/config"), Map.of("Origin", "http://evil"));
        HttpResponse<String> jars = get(rest.resolve("/jars"), Map.of());

        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.headers().allValues("Access-Control-Allow-Origin"))
                .isNotEmpty()
                .doesNotContain("*", "http://evil");
        JsonNode features = Json.MAPPER.readTree(config.body()).path("features");
        assertThat(features.path("web-submit").asBoolean(true)).isFalse();
        assertThat(jars.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseTheControlEndpointWithoutTheToken() throws Exception {
        URI jobs = URI.create("http://127.0.0.1:" + control.port() + "/jobs");
        URI replay =
                URI.create(
                        "http://127.0.0.1:" + control.port() + "/replay?job=search&from=earliest");

        HttpResponse<String> none = get(jobs, Map.of());
        HttpResponse<String> wrong =
                get(jobs, Map.of("Authorization", "Bearer " + LocalToken.generate().value()));
        HttpResponse<String> replayNone =
                HTTP.send(
                        HttpRequest.newBuilder(replay)
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> right = get(jobs, Map.of("Authorization", "Bearer " + token.value()));

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(replayNone.statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body().trim()).isEqualTo("{}");
    }

    private static HttpResponse<String> get(URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

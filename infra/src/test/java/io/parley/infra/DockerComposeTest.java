package io.parley.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Keeps {@code infra/docker-compose.yml} complete: every service of the production-like deployment,
 * its image, its host ports (on 127.0.0.1 only) and its dependencies. Removing or renaming a
 * service, or dropping a healthcheck the {@code init} job waits on, fails the build. It also keeps
 * the defaults safe: dev mode off, no secret with a default (compose refuses to start until it is
 * set), the Flink REST API without web jar upload/run and without {@code
 * Access-Control-Allow-Origin: *}.
 */
class DockerComposeTest {

    private static final Path COMPOSE = Path.of("docker-compose.yml");

    /** The stateful servers: each has a healthcheck and {@code init} waits until it is healthy. */
    private static final Map<String, String> SERVER_IMAGES =
            Map.of(
                    "pulsar", "apachepulsar/pulsar:4.0.8",
                    "cassandra", "cassandra:5.0",
                    "redis", "redis:7",
                    "elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch:8.19.4",
                    "s3", "andrewgaul/s3proxy:s3proxy-4.1.0",
                    "flink-jobmanager", "flink:1.20-java17");

    /** Environment variables that hold secrets: compose must refuse to start without them. */
    private static final Set<String> SECRETS =
            Set.of(
                    "PARLEY_JWT_SECRET",
                    "S3_ACCESS_KEY",
                    "S3_SECRET_KEY",
                    "S3PROXY_IDENTITY",
                    "S3PROXY_CREDENTIAL");

    /** {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME:?error}} and the other forms. */
    private static final Pattern INTERPOLATION =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}");

    private static Map<String, Object> root;
    private static Map<String, Object> services;

    @BeforeAll
    static void load() throws IOException {
        try (Reader reader = Files.newBufferedReader(COMPOSE)) {
            root = new Yaml().load(reader);
            services = map(root.get("services"));
        }
    }

    @Test
    void shouldDefineEveryServiceOfTheDeployment() {
        assertThat(services.keySet())
                .containsExactlyInAnyOrder(
                        "pulsar",
                        "cassandra",
                        "redis",
                        "elasticsearch",
                        "s3",
                        "flink-jobmanager",
                        "flink-taskmanager",
                        "init",
                        "edge-gw1",
                        "edge-gw2");
    }

    @Test
    void shouldPinTheServerImagesToTheVersionsTheCodeIsBuiltFor() {
        SERVER_IMAGES.forEach(
                (name, image) -> assertThat(service(name).get("image")).as(name).isEqualTo(image));
        assertThat(service("flink-taskmanager").get("image")).isEqualTo("flink:1.20-java17");
    }

    @Test
    void shouldGiveEveryServerAHealthcheck() {
        for (String name : SERVER_IMAGES.keySet()) {
            Map<String, Object> healthcheck = map(service(name).get("healthcheck"));
            assertThat(healthcheck).as(name).containsKey("test");
        }
        assertThat(map(service("edge-gw1").get("healthcheck")).get("test").toString())
                .contains("/healthz");
    }

    @Test
    void shouldPublishTheDocumentedPortsOnLoopbackOnly() {
        assertThat(ports("pulsar")).containsExactlyInAnyOrder("6650:6650", "8080:8080");
        assertThat(ports("cassandra")).containsExactly("9042:9042");
        assertThat(ports("redis")).containsExactly("6379:6379");
        assertThat(ports("elasticsearch")).containsExactly("9200:9200");
        assertThat(ports("s3")).containsExactly("9000:80");
        assertThat(ports("flink-jobmanager")).containsExactly("8081:8081");
        assertThat(ports("edge-gw1")).containsExactlyInAnyOrder("8088:8088", "8443:8443");
        assertThat(ports("edge-gw2")).containsExactlyInAnyOrder("8090:8088", "8444:8443");

        Set<String> hostPorts = new HashSet<>();
        for (String name : services.keySet()) {
            for (Object port : list(service(name).get("ports"))) {
                assertThat(port.toString()).as(name).startsWith("127.0.0.1:");
                String hostPort = port.toString().split(":")[1];
                assertThat(hostPorts.add(hostPort))
                        .as("host port %s used twice", hostPort)
                        .isTrue();
            }
        }
    }

    @Test
    void shouldRunInitOnlyOnceEveryServerIsHealthy() {
        Map<String, Object> dependsOn = map(service("init").get("depends_on"));
        for (String server : SERVER_IMAGES.keySet()) {
            assertThat(map(dependsOn.get(server)).get("condition"))
                    .as(server)
                    .isEqualTo("service_healthy");
        }
        assertThat(dependsOn).containsKey("flink-taskmanager");
        assertThat(service("init").get("restart")).isEqualTo("no");
    }

    @Test
    void shouldInitialiseEverythingTheLocalStackInitialises() {
        String script = String.join("\n", strings(service("init").get("command")));
        assertThat(script)
                .contains("tenants create parley --allowed-clusters standalone")
                .contains("rooms events delivery functions")
                .contains("set-retention parley/rooms --time 7d --size 1G")
                .contains("set-retention parley/events --time 7d --size 1G")
                .contains("io.parley.schemas.topics.Topics --logs")
                .contains("topicPolicies set-retention \"$$t\" --time -1 --size -1")
                .contains("set-message-ttl parley/delivery --messageTTL 60")
                .contains("cqlsh cassandra 9042 -f /opt/parley/schema.cql")
                .contains("/opt/parley/messages-index.json")
                .contains("--aws-sigv4")
                .contains("io.parley.functions.Sequencer")
                .contains("--topics-pattern 'persistent://parley/rooms/r\\..*'")
                .contains("io.parley.functions.FanOut")
                .contains("--retain-ordering --subs-position Earliest")
                .contains("io.parley.flink.jobs.PersistenceJob")
                .contains("io.parley.flink.jobs.SearchIndexJob")
                .contains("io.parley.flink.jobs.ReceiptsJob")
                .contains("io.parley.flink.jobs.DeliveryMetricsJob");
        assertThat(strings(service("init").get("volumes")))
                .contains(
                        "./cassandra/schema.cql:/opt/parley/schema.cql:ro",
                        "./elasticsearch/messages-index.json:/opt/parley/messages-index.json:ro",
                        "../pulsar-functions/target/parley-functions.jar:/opt/parley/parley-functions.jar:ro",
                        "../flink-jobs/target/parley-flink-jobs.jar:/opt/parley/parley-flink-jobs.jar:ro");
    }

    @ParameterizedTest
    @ValueSource(strings = {"edge-gw1", "edge-gw2"})
    void shouldStartEachGatewayAfterInitWithItsOwnId(String name) {
        Map<String, Object> edge = service(name);
        assertThat(map(edge.get("build")).get("dockerfile")).isEqualTo("infra/edge.Dockerfile");
        assertThat(map(map(edge.get("depends_on")).get("init")).get("condition"))
                .isEqualTo("service_completed_successfully");
        Map<String, Object> env = map(edge.get("environment"));
        assertThat(env.get("PARLEY_GATEWAY_ID")).isEqualTo(name.substring("edge-".length()));
        assertThat(env)
                .containsEntry("PULSAR_SERVICE_URL", "pulsar://pulsar:6650")
                .containsEntry("REDIS_URL", "redis://redis:6379")
                .containsEntry("CASSANDRA_HOST", "cassandra")
                .containsEntry("ES_URL", "http://elasticsearch:9200")
                .containsEntry("S3_BUCKET", "parley-media")
                .containsEntry("PARLEY_HOST", "0.0.0.0");
    }

    @Test
    void shouldRunTheFlinkClusterWithTheJobsJar() {
        assertThat(service("flink-jobmanager").get("command")).isEqualTo("jobmanager");
        assertThat(service("flink-taskmanager").get("command")).isEqualTo("taskmanager");
        assertThat(strings(service("flink-jobmanager").get("volumes")))
                .anyMatch(v -> v.startsWith("../flink-jobs/target/parley-flink-jobs.jar:"));
        assertThat(map(map(service("flink-taskmanager").get("depends_on")).get("flink-jobmanager")))
                .containsEntry("condition", "service_healthy");
    }

    @Test
    void shouldKeepPulsarFunctionStateEnabled() {
        Map<String, Object> env = map(service("pulsar").get("environment"));
        assertThat(env)
                .containsEntry("PULSAR_STANDALONE_USE_ZOOKEEPER", "1")
                .containsEntry("activeConsumerFailoverDelayTimeMillis", "0");
        assertThat(service("pulsar").get("command").toString())
                .contains("bin/pulsar standalone")
                .doesNotContain("--no-stream-storage")
                .doesNotContain("-nss");
    }

    @ParameterizedTest
    @ValueSource(strings = {"edge-gw1", "edge-gw2"})
    void shouldRunEachGatewayOutsideDevModeUnlessToldOtherwise(String name) {
        Object devMode = map(service(name).get("environment")).get("PARLEY_DEV_MODE");

        // what the edge reads when PARLEY_DEV_MODE is not set in the environment or .env
        assertThat(devMode).isNotNull();
        assertThat(Boolean.parseBoolean(valueWithNothingSet(devMode.toString()))).isFalse();
    }

    @Test
    void shouldGiveNoSecretADefaultSoComposeRefusesToStartWithoutIt() {
        Set<String> checked = new HashSet<>();
        for (String name : services.keySet()) {
            Object environment = service(name).get("environment");
            if (environment == null) {
                continue;
            }
            map(environment)
                    .forEach(
                            (variable, value) -> {
                                if (SECRETS.contains(variable)) {
                                    assertThat(value.toString())
                                            .as("%s of %s", variable, name)
                                            .matches("\\$\\{[A-Z0-9_]+:\\?[^}]+}");
                                    checked.add(name + "/" + variable);
                                }
                            });
        }
        assertThat(checked)
                .contains(
                        "edge-gw1/PARLEY_JWT_SECRET",
                        "edge-gw2/PARLEY_JWT_SECRET",
                        "edge-gw1/S3_ACCESS_KEY",
                        "edge-gw2/S3_SECRET_KEY",
                        "init/S3_SECRET_KEY",
                        "s3/S3PROXY_IDENTITY",
                        "s3/S3PROXY_CREDENTIAL");
    }

    @Test
    void shouldNotDefaultAnyVariableThatNamesASecret() {
        List<String> defaulted = new ArrayList<>();
        for (String text : scalars(root)) {
            Matcher m = INTERPOLATION.matcher(text);
            while (m.find()) {
                boolean hasDefault = m.group(2) != null && m.group(2).endsWith("-");
                if (hasDefault
                        && m.group(1).matches(".*(SECRET|KEY|CREDENTIAL|TOKEN|PASSWORD).*")) {
                    defaulted.add(m.group());
                }
            }
        }
        assertThat(defaulted).isEmpty();
    }

    @Test
    void shouldServeFlinkRestWithoutWebSubmissionOrAnyOriginCors() {
        String properties =
                map(service("flink-jobmanager").get("environment"))
                        .get("FLINK_PROPERTIES")
                        .toString();
        Map<String, Object> flink = new Yaml().load(properties);

        // Flink's defaults are web.submit.enable: true and web.access-control-allow-origin: *
        assertThat(flink).containsEntry("web.submit.enable", false);
        assertThat(flink.get("web.access-control-allow-origin"))
                .isNotNull()
                .asString()
                .isNotBlank()
                .isNotEqualTo("*");
    }

    /** What compose makes of {@code value} when no variable is set: defaults, or an error. */
    private static String valueWithNothingSet(String value) {
        Matcher m = INTERPOLATION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String op = m.group(2) == null ? "" : m.group(2);
            assertThat(op).as("%s is required", m.group(1)).doesNotEndWith("?");
            m.appendReplacement(out, Matcher.quoteReplacement(op.endsWith("-") ? m.group(3) : ""));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Every string of the file, keys and values, at any depth. */
    private static List<String> scalars(Object node) {
        List<String> out = new ArrayList<>();
        if (node instanceof Map<?, ?> m) {
            m.forEach(
                    (k, v) -> {
                        out.add(String.valueOf(k));
                        out.addAll(scalars(v));
                    });
        } else if (node instanceof List<?> l) {
            l.forEach(item -> out.addAll(scalars(item)));
        } else if (node != null) {
            out.add(node.toString());
        }
        return out;
    }

    private static List<String> ports(String name) {
        List<String> ports = new ArrayList<>();
        for (Object port : list(service(name).get("ports"))) {
            ports.add(port.toString().substring("127.0.0.1:".length()));
        }
        return ports;
    }

    private static Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return map(services.get(name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        if (value == null) {
            return List.of();
        }
        assertThat(value).isInstanceOf(List.class);
        return (List<?>) value;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        for (Object item : list(value)) {
            out.add(item.toString());
        }
        return out;
    }
}

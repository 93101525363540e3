package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.clients.ParleyHttp;
import io.parley.edge.EdgeServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /healthz}: 200 with every dependency ok, 503 naming the one that is down. */
class HealthIT {
    @Test
    void shouldReportEveryDependencyOk() throws Exception {
        EdgeStack stack = EdgeStack.get();

        ParleyHttp.Reply r = stack.apiA.call("GET", "/healthz", null, null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("checks").fieldNames())
                .toIterable()
                .containsExactly("pulsar", "cassandra", "redis", "elasticsearch", "s3");
        r.body().path("checks").forEach(v -> assertThat(v.asText()).isEqualTo("ok"));
    }

    @Test
    void shouldAnswer503NamingTheDependencyThatIsDown() throws Exception {
        // an edge whose Redis is unreachable (nothing listens on port 1)
        try (EdgeServer edge =
                EdgeServer.start(
                        EdgeStack.config(Map.of("REDIS_URL", "redis://127.0.0.1:1"))
                                .withGateway("ithealth", 0, 0))) {
            ParleyHttp.Reply r =
                    new ParleyHttp("http://127.0.0.1:" + edge.httpPort())
                            .call("GET", "/healthz", null, null);

            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body().path("down").toString()).isEqualTo("[\"redis\"]");
            assertThat(r.body().path("checks").path("cassandra").asText()).isEqualTo("ok");
        }
    }
}

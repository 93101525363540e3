package io.parley.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParleyConfigTest {

    @Test
    void shouldDefaultToTheLocalStack() {
        ParleyConfig config = ParleyConfig.defaults();

        assertThat(config.pulsarServiceUrl()).isEqualTo("pulsar://127.0.0.1:6650");
        assertThat(config.pulsarAdminUrl()).isEqualTo("http://127.0.0.1:8080");
        assertThat(config.cassandraPort()).isEqualTo(9042);
        assertThat(config.esUrl()).isEqualTo("http://127.0.0.1:9200");
        assertThat(config.redisUrl()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(config.restPort()).isEqualTo(8081);
        assertThat(config.parallelism()).isEqualTo(1);
        assertThat(config.pulsarMaxFetchTime()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void shouldReadNamedOptions() {
        Map<String, String> env =
                Map.of(
                        "CASSANDRA_HOST", "10.0.0.5",
                        "PARLEY_FLINK_PARALLELISM", "2",
                        "PARLEY_HOME", "/tmp/parley",
                        "PARLEY_RECEIPTS_DEBOUNCE_MS", " 500 ",
                        "PARLEY_REDIS_URL", "redis://10.0.0.6:6380");

        ParleyConfig config = ParleyConfig.from(env::get);

        assertThat(config.cassandraHost()).isEqualTo("10.0.0.5");
        assertThat(config.parallelism()).isEqualTo(2);
        assertThat(config.receiptsDebounce()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.redisUrl()).isEqualTo("redis://10.0.0.6:6380");
        assertThat(config.checkpointDir()).isEqualTo(Path.of("/tmp/parley/data/flink/checkpoints"));
    }

    @Test
    void shouldNameTheOptionThatIsNotANumber() {
        assertThatThrownBy(() -> ParleyConfig.from(Map.of("CASSANDRA_PORT", "x")::get))
                .hasMessageContaining("CASSANDRA_PORT");
    }
}

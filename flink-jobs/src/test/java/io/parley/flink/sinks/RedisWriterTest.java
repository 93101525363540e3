package io.parley.flink.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisWriterTest {
    private final List<List<RedisCommand>> batches = new ArrayList<>();
    private final TestProcessingTimeService time = new TestProcessingTimeService();
    private final SimpleCounter sent = new SimpleCounter();
    private boolean failing;
    private boolean closed;

    private final RedisBatches redis =
            new RedisBatches() {
                @Override
                public void apply(List<RedisCommand> batch) throws IOException {
                    if (failing) {
                        throw new IOException("ERR script");
                    }
                    batches.add(List.copyOf(batch));
                }

                @Override
                public void close() {
                    closed = true;
                }
            };

    /** Two commands per record: {@code SADD <record> a}, {@code SADD <record> b}. */
    private RedisWriter<String> writer(int maxCommands) {
        return new RedisWriter<>(
                key -> List.of(RedisCommand.sadd(key, "a"), RedisCommand.sadd(key, "b")),
                redis,
                maxCommands,
                200,
                time,
                sent);
    }

    @BeforeEach
    void startTheClock() throws Exception {
        time.setCurrentTime(1_000);
    }

    @Test
    void shouldSendABatchOnceItHoldsMaxCommands() throws Exception {
        RedisWriter<String> writer = writer(4);

        writer.write("k1", null);
        assertThat(batches).isEmpty();
        writer.write("k2", null);

        assertThat(batches)
                .containsExactly(
                        List.of(
                                RedisCommand.sadd("k1", "a"),
                                RedisCommand.sadd("k1", "b"),
                                RedisCommand.sadd("k2", "a"),
                                RedisCommand.sadd("k2", "b")));
        assertThat(sent.getCount()).isEqualTo(4);
    }

    @Test
    void shouldSendWhatIsBufferedWhenTheOldestHasWaitedTheFlushInterval() throws Exception {
        RedisWriter<String> writer = writer(100);
        writer.write("k1", null);
        time.setCurrentTime(1_100);
        writer.write("k2", null);
        assertThat(batches).isEmpty();

        time.setCurrentTime(1_200);

        assertThat(batches).singleElement().asList().hasSize(4);
        assertThat(time.getNumActiveTimers()).isZero();
    }

    @Test
    void shouldSendEverythingBeforeACheckpoint() throws Exception {
        RedisWriter<String> writer = writer(100);
        writer.write("k1", null);

        writer.flush(false);

        assertThat(batches).singleElement().asList().hasSize(2);
        writer.flush(false);
        assertThat(batches).hasSize(1);
    }

    @Test
    void shouldFailTheWriterWhenRedisRejectsABatch() throws Exception {
        RedisWriter<String> writer = writer(100);
        writer.write("k1", null);
        failing = true;

        assertThatThrownBy(() -> writer.flush(false)).isInstanceOf(IOException.class);
        assertThat(sent.getCount()).isZero();

        writer.close();
        assertThat(closed).isTrue();
    }
}

package io.parley.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.flink.jobs.ParleyJob;
import org.junit.jupiter.api.Test;

class ReplayTest {

    @Test
    void shouldReadEarliestEpochMillisAndInstants() {
        assertThat(Replay.parseFrom("earliest")).isZero();
        assertThat(Replay.parseFrom("1700000000000")).isEqualTo(1_700_000_000_000L);
        assertThat(Replay.parseFrom("2024-01-01T00:00:00Z")).isEqualTo(1_704_067_200_000L);
        assertThatThrownBy(() -> Replay.parseFrom("yesterday"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNameEachJobsSubscriptionAfterIt() {
        assertThat(ParleyJob.byId("Persistence").subscription()).isEqualTo("parley-persistence");
        assertThat(ParleyJob.byId("metrics").inputTopic)
                .isEqualTo("persistent://parley/events/delivery-stats");
        assertThat(ParleyJob.byId("push").inputTopic).isEqualTo("persistent://parley/events/push");
        assertThat(ParleyJob.byId("users").subscription()).isEqualTo("parley-users");
        assertThat(ParleyJob.byId("users").inputTopic)
                .isEqualTo("persistent://parley/events/users");
        assertThatThrownBy(() -> ParleyJob.byId("teleport"))
                .hasMessageContaining("unknown job")
                .hasMessageContaining("persistence, search, receipts, metrics, push, users");
    }
}

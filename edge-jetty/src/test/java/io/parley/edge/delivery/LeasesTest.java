package io.parley.edge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeasesTest {

    @Test
    void shouldRetireOnlyOnceIdleLongEnoughWithNothingInFlight() {
        Leases leases = new Leases(0);
        assertThat(leases.begin(1_000)).isTrue();

        assertThat(leases.retireIfIdle(100_000, 5_000)).as("a use in flight").isFalse();
        leases.end();
        assertThat(leases.retireIfIdle(5_999, 5_000)).as("used 4,999 ms ago").isFalse();
        assertThat(leases.retireIfIdle(6_000, 5_000)).isTrue();
    }

    @Test
    void shouldRefuseNewUsesOnceRetired() {
        Leases leases = new Leases(0);
        leases.retireIfIdle(10_000, 5_000);

        assertThat(leases.begin(10_001)).isFalse();
        assertThat(leases.retireIfIdle(10_002, 5_000)).isTrue();
    }
}

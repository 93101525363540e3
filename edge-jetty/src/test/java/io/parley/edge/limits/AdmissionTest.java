package io.parley.edge.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private final ManualTime time = new ManualTime();

    @Test
    void shouldAdmitABurstThenSayWhenTheNextTokenArrives() {
        Meter m = new Meter(new Limit(5, 3), time);

        assertThat(m.take(1)).isZero();
        assertThat(m.take(1)).isZero();
        assertThat(m.take(1)).isZero();
        assertThat(m.take(1)).isEqualTo(200);

        time.advanceMillis(200);
        assertThat(m.take(1)).isZero();
        assertThat(m.take(1)).isPositive();
    }

    @Test
    void shouldChargeACostAboveTheBurstAsTheWholeBurst() {
        Meter m = new Meter(new Limit(100, 2_000), time);

        assertThat(m.take(5_000)).isZero();
        assertThat(m.take(1)).isPositive();
    }

    @Test
    void shouldCountEachUserOnceAcrossTheirConnections() {
        RateLimits limits =
                RateLimits.from(
                        Map.of(
                                "PARLEY_LIMIT_SIGNALS", "1/5",
                                "PARLEY_USER_LIMIT_SIGNALS", "1/8"));
        Admission admission = new Admission(limits, time);
        Admission.ConnectionMeters phone = admission.forConnection();
        Admission.ConnectionMeters laptop = admission.forConnection();

        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            admitted += admission.take(phone, "ann", Budget.SIGNALS, 1) == 0 ? 1 : 0;
            admitted += admission.take(laptop, "ann", Budget.SIGNALS, 1) == 0 ? 1 : 0;
        }

        assertThat(admitted).isEqualTo(8);
        assertThat(admission.take(admission.forConnection(), "bob", Budget.SIGNALS, 1)).isZero();
    }

    @Test
    void shouldKeepEachBudgetApart() {
        Admission admission = new Admission(RateLimits.from(Map.of()), time);
        Admission.ConnectionMeters c = admission.forConnection();
        while (admission.take(c, "ann", Budget.REFUSALS, 1) == 0) {
            // spend every refusal
        }

        assertThat(admission.take(c, "ann", Budget.MESSAGES, 1)).isZero();
        assertThat(admission.take("ann", Budget.HTTP_SEARCH, 1)).isZero();
    }

    @Test
    void shouldReadLimitsFromTheEnvironmentAndTheOlderSendOptions() {
        RateLimits limits =
                RateLimits.from(
                        Map.of(
                                "PARLEY_SEND_RATE", "7",
                                "PARLEY_SEND_BURST", "9",
                                "PARLEY_USER_LIMIT_HTTP_SEARCH", "3/4"));

        assertThat(limits.perConnection(Budget.MESSAGES)).isEqualTo(new Limit(7, 9));
        assertThat(limits.perUser(Budget.HTTP_SEARCH)).isEqualTo(new Limit(3, 4));
        assertThat(limits.perConnection(Budget.HTTP_SEARCH)).isNull();
        assertThat(limits.perUser(Budget.REFUSALS)).isEqualTo(Budget.REFUSALS.perUser);
    }

    @Test
    void shouldRefuseAMalformedLimitSayingWhichVariable() {
        assertThatThrownBy(() -> RateLimits.from(Map.of("PARLEY_LIMIT_ROOMS", "fast")))
                .hasMessageContaining("PARLEY_LIMIT_ROOMS");
        assertThatThrownBy(() -> RateLimits.from(Map.of("PARLEY_LIMIT_ROOMS", "0/5")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

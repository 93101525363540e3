package io.parley.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HealTest {
    /** Killed at 10 s, back at 40 s. */
    static final Heal.Window W = new Heal.Window(10_000, 40_000);

    static Ledger.Timing send(long createdAt, long ackedAt) {
        return new Ledger.Timing(
                new Ledger.SendKey("r", "u", "c" + createdAt), "w", createdAt, ackedAt, 1, "m", 1);
    }

    @Test
    void shouldMeasureTheLastClientResumedAfterItsLastCutOff() {
        List<Heal.ClientTimes> clients =
                List.of(
                        new Heal.ClientTimes(List.of(10_050L), List.of(1_000L, 42_000L)),
                        new Heal.ClientTimes(
                                List.of(10_050L, 41_000L), List.of(1_000L, 40_500L, 47_500L)),
                        new Heal.ClientTimes(List.of(), List.of(1_000L)));

        assertThat(Heal.lastResumed(W, clients)).isEqualTo(Heal.Figure.healed(7_500));
    }

    @Test
    void shouldBePendingWhileACutOffClientHasNotResumed() {
        List<Heal.ClientTimes> clients =
                List.of(new Heal.ClientTimes(List.of(10_050L), List.of(1_000L)));

        assertThat(Heal.lastResumed(W, clients).done()).isFalse();
    }

    @Test
    void shouldCountClientsCutOffBeforeTheKillAsUndisturbed() {
        List<Heal.ClientTimes> clients =
                List.of(new Heal.ClientTimes(List.of(500L), List.of(600L)));

        assertThat(Heal.lastResumed(W, clients).state()).isEqualTo(Heal.Figure.State.UNDISTURBED);
    }

    @Test
    void shouldMeasureSendsAckedAgainAtTheLastSlowTick() {
        List<Ledger.Timing> sends =
                List.of(
                        send(9_500, 9_520), // in flight at the kill, ticked promptly
                        send(12_000, 41_000), // held by the outage
                        send(39_000, 52_000), // held after the component was back
                        send(50_000, 50_030), // prompt again
                        send(60_000, -1)); // just made

        assertThat(Heal.ackedAgain(W, sends, 60_500)).isEqualTo(Heal.Figure.healed(12_000));
    }

    @Test
    void shouldBePendingWhileASendWaitsLongerThanTheSlowBound() {
        List<Ledger.Timing> sends = List.of(send(41_000, -1));

        assertThat(Heal.ackedAgain(W, sends, 41_000 + Heal.SLOW_ACK_MS + 1).done()).isFalse();
        assertThat(Heal.ackedAgain(W, sends, 41_000 + Heal.SLOW_ACK_MS).state())
                .isEqualTo(Heal.Figure.State.UNDISTURBED);
    }

    @Test
    void shouldGiveANegativeFigureForSendsThatHealedBeforeTheComponentWasBack() {
        assertThat(Heal.ackedAgain(W, List.of(send(12_000, 15_000)), 60_000))
                .isEqualTo(Heal.Figure.healed(-25_000));
    }

    @Test
    void shouldTakeTheOutageSendsAsTheCohort() {
        List<Ledger.Timing> sends =
                List.of(
                        send(8_000, 8_010),
                        send(9_500, 9_510),
                        send(20_000, 41_000),
                        send(40_001, 40_100));

        assertThat(Heal.cohort(W, sends))
                .extracting(Ledger.Timing::createdAt)
                .containsExactly(9_500L, 20_000L);
    }

    @Test
    void shouldMeasureHealthzOkAfterTheLastFailedAnswer() {
        List<Heal.HealthSample> samples =
                List.of(
                        new Heal.HealthSample(9_000, true, 30),
                        new Heal.HealthSample(11_000, false, 5),
                        new Heal.HealthSample(41_000, true, 2_600),
                        new Heal.HealthSample(42_000, false, 3_000),
                        new Heal.HealthSample(55_000, true, 900),
                        new Heal.HealthSample(56_000, true, 20));

        assertThat(Heal.healthzOk(W, samples)).isEqualTo(Heal.Figure.healed(15_000));
        assertThat(Heal.slowestOkHealthz(W, samples)).isEqualTo(2_600);
        assertThat(Heal.healthzOk(W, samples.subList(0, 4)).done()).isFalse();
        assertThat(Heal.healthzOk(W, samples.subList(0, 1)).state())
                .isEqualTo(Heal.Figure.State.UNDISTURBED);
    }

    @Test
    void shouldListTheSendsHeldUpLastFirst() {
        List<Ledger.Timing> sends =
                List.of(
                        send(12_000, 41_000),
                        send(13_000, 52_000),
                        send(50_000, 50_030),
                        send(55_000, -1));

        assertThat(Heal.heldUp(W, sends, 60_000, 2))
                .containsExactly(
                        "r/u made +45.0 s, not ticked",
                        "r/u made +3.0 s, ticked +42.0 s after 1 tries");
    }

    @Test
    void shouldMeasureTheOutageSendsAckedAtTheLastOfTheirTicks() {
        List<Ledger.Timing> sends =
                List.of(
                        send(9_500, 9_510),
                        send(20_000, 43_000),
                        send(39_000, 41_000),
                        send(45_000, 52_000));

        assertThat(Heal.outageAcked(W, sends)).isEqualTo(Heal.Figure.healed(3_000));
        assertThat(Heal.outageAcked(W, List.of(send(20_000, -1))).done()).isFalse();
        assertThat(Heal.outageAcked(W, List.of(send(45_000, 45_010))).state())
                .isEqualTo(Heal.Figure.State.UNDISTURBED);
    }
}

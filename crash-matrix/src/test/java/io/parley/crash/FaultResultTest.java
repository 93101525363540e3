package io.parley.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultResultTest {
    static FaultResult result(Heal.Figure resumed, List<String> problems) {
        return new FaultResult(
                Fault.EDGE,
                14_200,
                Map.of("edge", 14_200L),
                resumed,
                Heal.Figure.healed(900),
                Heal.Figure.healed(1_200),
                Heal.Figure.healed(2_000),
                Heal.Figure.healed(4_100),
                Heal.Figure.undisturbed(),
                1_800,
                15_000,
                Map.of(),
                problems);
    }

    @Test
    void shouldPrintOneMarkdownRowInSeconds() {
        assertThat(result(Heal.Figure.healed(8_000), List.of()).row())
                .isEqualTo(
                        "| edge | 14.2 s | 8.0 s | 0.9 s | 1.2 s | 2.0 s | 4.1 s | undisturbed (1.8 s) |");
    }

    @Test
    void shouldBeHealedOnlyWithEveryFigureDoneAndNoProblem() {
        assertThat(result(Heal.Figure.healed(8_000), List.of()).healed()).isTrue();
        assertThat(result(Heal.Figure.pending(), List.of()).healed()).isFalse();
        assertThat(result(Heal.Figure.healed(8_000), List.of("up exited 1")).healed()).isFalse();
    }

    @Test
    void shouldMeetTheAimOnlyWithEveryFigureWithinTenSeconds() {
        assertThat(result(Heal.Figure.healed(10_000), List.of()).withinAim()).isTrue();
        assertThat(result(Heal.Figure.healed(10_001), List.of()).withinAim()).isFalse();
    }
}

package io.parley.crash;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StackTextTest {
    @Test
    void shouldReadTheComponentOfAReadyLine() {
        assertThat(
                        StackText.readyComponent(
                                "  pulsar        ready in  33.1s  (log .parley/logs/pulsar.log)"))
                .contains("pulsar");
        assertThat(
                        StackText.readyComponent(
                                "  functions     ready in   0.2s  (sequencer, fanout running; log .parley/logs/functions.log)"))
                .contains("functions");
    }

    @Test
    void shouldIgnoreLinesThatAreNotReadyLines() {
        assertThat(StackText.readyComponent("  waiting for pulsar...")).isEmpty();
        assertThat(StackText.readyComponent("  init pulsar   done in   1.0s  (tenant parley)"))
                .isEmpty();
        assertThat(StackText.readyComponent("parley is up in 2.6s")).isEmpty();
    }

    @Test
    void shouldFindNothingNotReadyInAHealthyStatus() {
        String status =
                String.join(
                        "\n",
                        "  pulsar         running (pid 5615)     ready      port 8080",
                        "  edge           running (pid 7608)     ready      port 8088",
                        "  fn sequencer   1 instance(s) running",
                        "  fn fanout      1 instance(s) running");
        assertThat(StackText.notReady(status)).isEmpty();
    }

    @Test
    void shouldNameStoppedAndUnreadyComponentsAndIdleFunctions() {
        String status =
                String.join(
                        "\n",
                        "  pulsar         running (pid 5615)     ready      port 8080",
                        "  redis          stopped                not ready  port 6379",
                        "  edge           running (pid 7608)     not ready  port 8088",
                        "  fn sequencer   0 instance(s) running",
                        "  fn fanout      not deployed");
        assertThat(StackText.notReady(status))
                .containsExactly("redis", "edge", "fn sequencer", "fn fanout");
    }

    @Test
    void shouldCountMissingFunctionLinesAsTheWorkerNotAnswering() {
        assertThat(StackText.notReady("  pulsar         running (pid 1)     ready      port 8080"))
                .containsExactly("functions");
    }
}

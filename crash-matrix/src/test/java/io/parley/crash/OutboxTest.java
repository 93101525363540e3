package io.parley.crash;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutboxTest {
    @Test
    void shouldSendANewMessageAtOnceAndAgainAfterTheRetryTime() {
        Outbox o = new Outbox(10, 3_000);
        o.offer("a", "hello", 1_000);

        assertThat(o.due(1_000)).extracting(p -> p.clientMsgId).containsExactly("a");
        assertThat(o.due(3_999)).isEmpty();
        assertThat(o.due(4_000)).extracting(p -> p.clientMsgId).containsExactly("a");
    }

    @Test
    void shouldWaitTwiceAsLongAfterEachSilentRetryUpToTheCap() {
        Outbox o = new Outbox(10, 3_000);
        o.offer("a", "hello", 0);

        o.due(0); // next at 3 s
        assertThat(o.due(3_000)).hasSize(1); // next at 9 s
        assertThat(o.due(8_999)).isEmpty();
        assertThat(o.due(9_000)).hasSize(1); // next at 21 s
        assertThat(o.due(21_000)).hasSize(1); // 24 s would be past the cap: next at 36 s
        assertThat(o.due(35_999)).isEmpty();
        assertThat(o.due(36_000)).hasSize(1);
    }

    @Test
    void shouldRetryAnErrorAtTheGivenTimeUnderTheSameId() {
        Outbox o = new Outbox(10, 3_000);
        o.offer("a", "hello", 0);
        o.due(0);

        o.retryAt("a", 500);

        assertThat(o.due(499)).isEmpty();
        assertThat(o.due(500)).singleElement().satisfies(p -> assertThat(p.tries).isEqualTo(2));
    }

    @Test
    void shouldMakeEverythingDueOnAReconnect() {
        Outbox o = new Outbox(10, 3_000);
        o.offer("a", "1", 0);
        o.offer("b", "2", 10);
        o.due(10);

        o.reconnected(20);

        assertThat(o.due(20)).extracting(p -> p.clientMsgId).containsExactly("a", "b");
    }

    @Test
    void shouldForgetASendOnItsTickOnlyOnce() {
        Outbox o = new Outbox(10, 3_000);
        o.offer("a", "1", 0);

        assertThat(o.acked("a")).isNotNull();
        assertThat(o.acked("a")).isNull();
        assertThat(o.size()).isZero();
    }

    @Test
    void shouldRefuseNewSendsWhenFull() {
        Outbox o = new Outbox(2, 3_000);

        assertThat(o.offer("a", "1", 0)).isTrue();
        assertThat(o.offer("b", "2", 0)).isTrue();
        assertThat(o.offer("c", "3", 0)).isFalse();
        o.acked("a");
        assertThat(o.offer("c", "3", 0)).isTrue();
    }
}

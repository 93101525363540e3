package io.parley.edge.ws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    @Test
    void shouldAllowTheBurstThenRefillAtTheRate() {
        TokenBucket bucket = new TokenBucket(10, 3, 0);

        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isFalse();
        assertThat(bucket.retryAfterMs(0)).isEqualTo(100);
        assertThat(bucket.tryTake(100)).isTrue();
        assertThat(bucket.tryTake(100)).isFalse();
    }

    @Test
    void shouldNeverHoldMoreThanTheBurst() {
        TokenBucket bucket = new TokenBucket(1000, 2, 0);

        assertThat(bucket.tryTake(1_000_000)).isTrue();
        assertThat(bucket.tryTake(1_000_000)).isTrue();
        assertThat(bucket.tryTake(1_000_000)).isFalse();
    }

    @Test
    void shouldCountAsFullOnlyOnceRefilledToTheBurst() {
        TokenBucket bucket = new TokenBucket(10, 3, 0);
        bucket.tryTake(0);
        bucket.tryTake(0);

        assertThat(bucket.isFull(100)).isFalse();
        assertThat(bucket.isFull(200)).isTrue();
    }
}

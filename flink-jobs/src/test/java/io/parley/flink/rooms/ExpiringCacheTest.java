package io.parley.flink.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ExpiringCacheTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger loads = new AtomicInteger();

    @Test
    void shouldLoadAgainOnlyAfterTheTtl() {
        ExpiringCache<String, Integer> cache = new ExpiringCache<>(100, 10, now::get);

        assertThat(cache.get("a", k -> loads.incrementAndGet())).isEqualTo(1);
        now.addAndGet(99);
        assertThat(cache.get("a", k -> loads.incrementAndGet())).isEqualTo(1);
        now.addAndGet(1);
        assertThat(cache.get("a", k -> loads.incrementAndGet())).isEqualTo(2);
    }

    @Test
    void shouldCacheMissesForTheirOwnShorterTtl() {
        ExpiringCache<String, String> cache =
                new ExpiringCache<>(v -> v == null ? 10 : 1_000, 10, now::get);

        assertThat(cache.get("room", k -> load(null))).isNull();
        now.addAndGet(10);
        assertThat(cache.get("room", k -> load("direct"))).isEqualTo("direct");
        now.addAndGet(500);
        assertThat(cache.get("room", k -> load("group"))).isEqualTo("direct");
        assertThat(loads).hasValue(2);
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedBeyondItsSize() {
        ExpiringCache<String, Integer> cache = new ExpiringCache<>(1_000, 2, now::get);
        cache.get("a", k -> loads.incrementAndGet());
        cache.get("b", k -> loads.incrementAndGet());
        cache.get("a", k -> loads.incrementAndGet());
        cache.get("c", k -> loads.incrementAndGet());

        assertThat(cache.get("a", k -> loads.incrementAndGet())).isEqualTo(1);
        assertThat(cache.get("b", k -> loads.incrementAndGet())).isEqualTo(4);
    }

    private String load(String value) {
        loads.incrementAndGet();
        return value;
    }
}

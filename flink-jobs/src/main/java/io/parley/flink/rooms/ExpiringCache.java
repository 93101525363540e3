package io.parley.flink.rooms;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * A small LRU cache whose entries expire a value-dependent time after they were loaded (null values
 * are cached too). Used from one task thread; lookups of a missing or expired key load
 * synchronously.
 */
final class ExpiringCache<K, V> {
    private record Entry<V>(V value, long loadedAt) {}

    private final ToLongFunction<V> ttlMs;
    private final LongSupplier clock;
    private final LinkedHashMap<K, Entry<V>> entries;

    ExpiringCache(long ttlMs, int maxEntries, LongSupplier clock) {
        this(value -> ttlMs, maxEntries, clock);
    }

    ExpiringCache(ToLongFunction<V> ttlMs, int maxEntries, LongSupplier clock) {
        this.ttlMs = ttlMs;
        this.clock = clock;
        this.entries =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                        return size() > maxEntries;
                    }
                };
    }

    V get(K key, Function<K, V> loader) {
        long now = clock.getAsLong();
        Entry<V> entry = entries.get(key);
        if (entry == null || now - entry.loadedAt() >= ttlMs.applyAsLong(entry.value())) {
            entry = new Entry<>(loader.apply(key), now);
            entries.put(key, entry);
        }
        return entry.value();
    }
}

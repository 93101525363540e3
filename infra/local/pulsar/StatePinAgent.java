package io.parley.local.pulsar;

import org.apache.pulsar.metadata.api.MetadataStoreConfig;
import org.apache.pulsar.metadata.api.MetadataStoreFactory;

/**
 * Keeps the function-state RocksDB store of the standalone broker open for the broker's lifetime.
 *
 * <p>Why: with the thread runtime and RocksDB state ({@code stateStorageServiceUrl: rocksdb://...}),
 * every function instance and the worker share one store per URL, reference-counted by {@code
 * RocksdbMetadataStore.get}. Pulsar 4.0.8 closes an instance's state provider twice when the
 * instance stops (once from {@code ThreadRuntime.stop()}, once from the instance thread's exit), so
 * each {@code functions update|restart} drops the count by two and adds back one. After a couple of
 * them the count reaches zero and the store is closed under the functions still running
 * ({@code AlreadyClosedException: The metadata store is closed}) until the broker restarts. The
 * standalone forces its own provider class in this mode, so the provider cannot be swapped.
 *
 * <p>This agent takes {@value #PINS} references before the broker starts and never releases them:
 * {@code pins + worker + instances - stops} stays positive. The store is not closed cleanly at
 * shutdown; RocksDB recovers from its write-ahead log, and the store writes with fsync.
 *
 * <p>Built by {@code ./parley up} into {@code .parley/dist/pulsar-ext/} and passed as {@code
 * -javaagent:<jar>=<stateStorageServiceUrl>}. Local stack only: production uses BookKeeper stream
 * storage.
 */
public final class StatePinAgent {

    static final int PINS = 100_000;

    private StatePinAgent() {}

    public static void premain(String url) throws Exception {
        MetadataStoreConfig config =
                MetadataStoreConfig.builder()
                        .metadataStoreName(MetadataStoreConfig.STATE_METADATA_STORE)
                        .build();
        for (int i = 0; i < PINS; i++) {
            // each call returns the cached store and takes one more reference
            MetadataStoreFactory.create(url, config);
        }
    }
}

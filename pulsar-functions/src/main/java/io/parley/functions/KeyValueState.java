package io.parley.functions;

import java.util.concurrent.CompletableFuture;

/**
 * The slice of a function's state store the sequencer needs: single-key atomic get and put. Puts to
 * one key complete in the order they are issued.
 */
public interface KeyValueState {
    String get(String key);

    CompletableFuture<Void> put(String key, String value);
}

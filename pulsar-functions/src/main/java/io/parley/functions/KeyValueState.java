package io.parley.functions;

/**
 * The slice of a function's state store the sequencer needs: single-key atomic get, put and delete.
 * A put returns once the value is durable; calls may run concurrently from several threads.
 */
public interface KeyValueState {
    String get(String key);

    void put(String key, String value);

    /** Removes the key; removing an absent key is not an error. */
    void delete(String key);
}

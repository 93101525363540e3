package io.parley.functions;

/**
 * The slice of a function's state store the sequencer needs: single-key atomic get and put. A put
 * returns once the value is durable; puts may run concurrently from several threads.
 */
public interface KeyValueState {
    String get(String key);

    void put(String key, String value);
}

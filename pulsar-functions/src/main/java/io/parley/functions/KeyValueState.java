package io.parley.functions;

/** The slice of a function's state store the sequencer needs: single-key atomic get and put. */
public interface KeyValueState {
    String get(String key);

    void put(String key, String value);
}

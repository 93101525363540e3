package io.parley.schemas.topics;

import io.parley.schemas.Json;
import java.nio.charset.StandardCharsets;

/**
 * A Pulsar topic paired with the event type it carries. Every topic's Pulsar schema is {@code
 * STRING} (UTF-8 JSON of {@code type}): one schema for every producer and consumer, including the
 * Flink connector's older client, so no subscription is ever rejected for a schema mismatch.
 */
public record Topic<T>(String name, Class<T> type) {

    public String encode(T value) {
        return Json.write(value);
    }

    public byte[] encodeBytes(T value) {
        return encode(value).getBytes(StandardCharsets.UTF_8);
    }

    public T decode(String json) {
        return Json.read(json, type);
    }

    public T decode(byte[] json) {
        return decode(new String(json, StandardCharsets.UTF_8));
    }
}

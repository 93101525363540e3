package io.parley.clients.e2ee;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.schemas.Json;

/** A ciphertext field is base64 of a UTF-8 JSON envelope {@code {v: 1, alg, ..., iv, ct}}. */
final class Envelopes {
    private Envelopes() {}

    static JsonNode unwrap(String ciphertext, String alg) throws E2eeException {
        JsonNode env;
        try {
            env = Json.MAPPER.readTree(Primitives.unb64(ciphertext));
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new E2eeException("not a base64 JSON envelope");
        }
        if (env == null
                || env.path("v").asInt() != 1
                || !alg.equals(env.path("alg").asText())
                || !env.path("iv").isTextual()
                || !env.path("ct").isTextual()) {
            throw new E2eeException("not a v1 " + alg + " envelope");
        }
        return env;
    }
}

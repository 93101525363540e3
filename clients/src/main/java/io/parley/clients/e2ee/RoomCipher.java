package io.parley.clients.e2ee;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.schemas.Json;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Room messages (docs/e2ee.md): AES-256-GCM under the sending device's sender key for the room,
 * bound to the room, the sender and the key id.
 */
public final class RoomCipher {
    public static final String ALG = "sk-aes256gcm";

    private RoomCipher() {}

    /** A sender key: a random 16-hex-char id and 32 random bytes (base64). */
    public record SenderKey(String keyId, String key) {
        public static SenderKey generate() {
            return new SenderKey(
                    HexFormat.of().formatHex(Primitives.random(8)),
                    Primitives.b64(Primitives.random(32)));
        }
    }

    /** Which key a room ciphertext needs: the sender's device and the key id. */
    public record KeyRef(String senderDevice, String keyId) {}

    public static String encrypt(
            String roomId, String senderUser, String senderDevice, SenderKey key, String body)
            throws E2eeException {
        ObjectNode plain = Json.MAPPER.createObjectNode().put("body", body);
        try {
            byte[][] sealed =
                    Primitives.seal(
                            Primitives.unb64(key.key()),
                            aad(roomId, senderUser, senderDevice, key.keyId()),
                            Primitives.utf8(Json.write(plain)));
            ObjectNode env = Json.MAPPER.createObjectNode();
            env.put("v", 1);
            env.put("alg", ALG);
            env.put("d", senderDevice);
            env.put("k", key.keyId());
            env.put("iv", Primitives.b64(sealed[0]));
            env.put("ct", Primitives.b64(sealed[1]));
            return Primitives.b64(Primitives.utf8(Json.write(env)));
        } catch (GeneralSecurityException e) {
            throw new E2eeException("cannot encrypt", e);
        }
    }

    public static KeyRef keyOf(String ciphertext) throws E2eeException {
        JsonNode env = Envelopes.unwrap(ciphertext, ALG);
        if (!env.path("d").isTextual() || !env.path("k").isTextual()) {
            throw new E2eeException("no d or k in the envelope");
        }
        return new KeyRef(env.path("d").asText(), env.path("k").asText());
    }

    /** The body of a room message of {@code senderUser} (the message's sender_id). */
    public static String decrypt(String roomId, String senderUser, String key, String ciphertext)
            throws E2eeException {
        JsonNode env = Envelopes.unwrap(ciphertext, ALG);
        KeyRef ref = keyOf(ciphertext);
        try {
            byte[] plain =
                    Primitives.open(
                            Primitives.unb64(key),
                            aad(roomId, senderUser, ref.senderDevice(), ref.keyId()),
                            Primitives.unb64(env.path("iv").asText()),
                            Primitives.unb64(env.path("ct").asText()));
            JsonNode p = Json.MAPPER.readTree(plain);
            if (!p.path("body").isTextual()) {
                throw new E2eeException("no body");
            }
            return p.path("body").asText();
        } catch (GeneralSecurityException | IllegalArgumentException | java.io.IOException e) {
            throw new E2eeException("cannot decrypt a message of " + senderUser, e);
        }
    }

    static byte[] aad(String roomId, String senderUser, String senderDevice, String keyId) {
        return Primitives.utf8(roomId + "|" + senderUser + "|" + senderDevice + "|" + keyId);
    }
}

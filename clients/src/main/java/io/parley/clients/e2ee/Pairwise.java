package io.parley.clients.e2ee;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Pairwise messages, the {@code ciphertext} of a {@code to_device} target (docs/e2ee.md): X3DH over
 * the target's claimed bundle, HKDF-SHA256, AES-256-GCM bound to both devices' ids.
 */
public final class Pairwise {
    public static final String ALG = "x3dh-aes256gcm";
    static final String INFO = "parley-x3dh-v1";

    private Pairwise() {}

    /** A decrypted payload and the one-time prekey it used (to delete), or null. */
    public record Opened(JsonNode payload, String oneTimePrekeyId) {}

    /**
     * Encrypts {@code payload} to a device of a {@code POST /v1/keys/claim} answer. Throws when its
     * signed prekey's signature does not verify (the device is to be skipped).
     */
    public static String encrypt(
            DeviceKeys sender, String targetUser, JsonNode target, JsonNode payload)
            throws E2eeException {
        String signingKey = target.path("signing_key").asText();
        JsonNode spk = target.path("signed_prekey");
        String spkPublic = spk.path("public_key").asText();
        try {
            if (!Primitives.verify(
                    signingKey, Primitives.unb64(spkPublic), spk.path("signature").asText())) {
                throw new E2eeException(
                        targetUser
                                + "/"
                                + target.path("device_id").asText()
                                + ": bad signed_prekey signature");
            }
            Primitives.Pair ek = Primitives.x25519();
            JsonNode otk = target.get("one_time_prekey");
            boolean withOtk = otk != null && !otk.isNull();
            ByteArrayOutputStream ikm = new ByteArrayOutputStream();
            byte[] ff = new byte[32];
            Arrays.fill(ff, (byte) 0xff);
            ikm.writeBytes(ff);
            ikm.writeBytes(Primitives.dh(sender.identity.privatePkcs8(), spkPublic));
            ikm.writeBytes(Primitives.dh(ek.privatePkcs8(), target.path("identity_key").asText()));
            ikm.writeBytes(Primitives.dh(ek.privatePkcs8(), spkPublic));
            if (withOtk) {
                ikm.writeBytes(Primitives.dh(ek.privatePkcs8(), otk.path("public_key").asText()));
            }
            byte[] key = Primitives.hkdf(ikm.toByteArray(), INFO);
            byte[] aad =
                    aad(
                            sender.userId,
                            sender.deviceId,
                            targetUser,
                            target.path("device_id").asText());
            byte[][] sealed = Primitives.seal(key, aad, Primitives.utf8(Json.write(payload)));
            ObjectNode env = Json.MAPPER.createObjectNode();
            env.put("v", 1);
            env.put("alg", ALG);
            env.put("ik", sender.identity.publicKey());
            env.put("ek", ek.publicKey());
            env.put("spk", spk.path("key_id").asText());
            if (withOtk) {
                env.put("otk", otk.path("key_id").asText());
            } else {
                env.putNull("otk");
            }
            env.put("iv", Primitives.b64(sealed[0]));
            env.put("ct", Primitives.b64(sealed[1]));
            return Primitives.b64(Primitives.utf8(Json.write(env)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new E2eeException("cannot encrypt to " + targetUser, e);
        }
    }

    /**
     * Decrypts a pairwise ciphertext sent to {@code me} by {@code (senderUser, senderDevice)},
     * whose identity key the directory lists as {@code senderIdentityKey}.
     */
    public static Opened decrypt(
            DeviceKeys me,
            String senderUser,
            String senderDevice,
            String senderIdentityKey,
            String ciphertext)
            throws E2eeException {
        JsonNode env = Envelopes.unwrap(ciphertext, ALG);
        String ik = env.path("ik").asText();
        if (senderIdentityKey == null || !senderIdentityKey.equals(ik)) {
            throw new E2eeException(
                    senderUser + "/" + senderDevice + ": the identity key is not the directory's");
        }
        if (!me.signedPrekeyId.equals(env.path("spk").asText())) {
            throw new E2eeException("signed prekey " + env.path("spk").asText() + " is not held");
        }
        JsonNode otkNode = env.get("otk");
        String otkId = otkNode == null || otkNode.isNull() ? null : otkNode.asText();
        Primitives.Pair otk = otkId == null ? null : me.oneTimePrekeys.get(otkId);
        if (otkId != null && otk == null) {
            throw new E2eeException("one-time prekey " + otkId + " is not held (used already?)");
        }
        String ek = env.path("ek").asText();
        try {
            ByteArrayOutputStream ikm = new ByteArrayOutputStream();
            byte[] ff = new byte[32];
            Arrays.fill(ff, (byte) 0xff);
            ikm.writeBytes(ff);
            ikm.writeBytes(Primitives.dh(me.signedPrekey.privatePkcs8(), ik));
            ikm.writeBytes(Primitives.dh(me.identity.privatePkcs8(), ek));
            ikm.writeBytes(Primitives.dh(me.signedPrekey.privatePkcs8(), ek));
            if (otk != null) {
                ikm.writeBytes(Primitives.dh(otk.privatePkcs8(), ek));
            }
            byte[] key = Primitives.hkdf(ikm.toByteArray(), INFO);
            byte[] plain =
                    Primitives.open(
                            key,
                            aad(senderUser, senderDevice, me.userId, me.deviceId),
                            Primitives.unb64(env.path("iv").asText()),
                            Primitives.unb64(env.path("ct").asText()));
            return new Opened(Json.MAPPER.readTree(plain), otkId);
        } catch (GeneralSecurityException | IllegalArgumentException | java.io.IOException e) {
            throw new E2eeException("cannot decrypt the message of " + senderUser, e);
        }
    }

    static byte[] aad(
            String senderUser, String senderDevice, String targetUser, String targetDevice) {
        return Primitives.utf8(
                senderUser + "|" + senderDevice + "|" + targetUser + "|" + targetDevice);
    }
}

package io.parley.clients.e2ee;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One device's key material (docs/e2ee.md): X25519 identity key, Ed25519 signing key, a signed
 * X25519 prekey and X25519 one-time prekeys. Private keys stay on the device; {@link #uploadBody}
 * is what {@code PUT /v1/keys} publishes.
 */
public final class DeviceKeys {
    public static final int ONE_TIME_PREKEYS = 20;
    public static final int TOP_UP_BELOW = 5;

    public String userId;
    public String deviceId;
    public Primitives.Pair identity;
    public Primitives.Pair signing;
    public String signedPrekeyId;
    public Primitives.Pair signedPrekey;
    public String signedPrekeySignature;

    /** key_id -> pair, the one-time prekeys not used yet. */
    public Map<String, Primitives.Pair> oneTimePrekeys = new LinkedHashMap<>();

    public int nextOneTimeId = 1;

    public static DeviceKeys generate(String userId, String deviceId) {
        DeviceKeys k = new DeviceKeys();
        k.userId = userId;
        k.deviceId = deviceId;
        k.identity = Primitives.x25519();
        k.signing = Primitives.ed25519();
        k.signedPrekeyId = "s1";
        k.signedPrekey = Primitives.x25519();
        try {
            k.signedPrekeySignature =
                    Primitives.sign(
                            k.signing.privatePkcs8(), Primitives.unb64(k.signedPrekey.publicKey()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
        k.addOneTimePrekeys(ONE_TIME_PREKEYS);
        return k;
    }

    /** Adds {@code n} one-time prekeys; returns their ids (to upload). */
    public List<String> addOneTimePrekeys(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "o" + nextOneTimeId++;
            oneTimePrekeys.put(id, Primitives.x25519());
            ids.add(id);
        }
        return ids;
    }

    /** The {@code PUT /v1/keys} body with the given one-time prekeys. */
    public Map<String, Object> uploadBody(List<String> oneTimeIds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("device_id", deviceId);
        body.put("identity_key", identity.publicKey());
        body.put("signing_key", signing.publicKey());
        body.put(
                "signed_prekey",
                Map.of(
                        "key_id", signedPrekeyId,
                        "public_key", signedPrekey.publicKey(),
                        "signature", signedPrekeySignature));
        List<Map<String, String>> otks = new ArrayList<>();
        for (String id : oneTimeIds) {
            Primitives.Pair p = oneTimePrekeys.get(id);
            if (p != null) {
                otks.add(Map.of("key_id", id, "public_key", p.publicKey()));
            }
        }
        body.put("one_time_prekeys", otks);
        return body;
    }
}

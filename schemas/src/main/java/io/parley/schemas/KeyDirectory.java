package io.parley.schemas;

import io.parley.schemas.events.UserEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Redis writes of the key directory (PROTOCOL.md section 6) for one user-log entry, shared by
 * the edge (after its own append) and the user projection job (live and on replay): the keys and
 * arguments of the scripts in {@link RedisKeys}.
 */
public final class KeyDirectory {
    private KeyDirectory() {}

    /** One script call. */
    public record Call(String script, List<String> keys, List<String> args) {}

    /** A {@code keys_uploaded} entry at {@code position}. */
    public static Call upload(UserEvent e, String position) {
        UserEvent.Keys k = e.keys();
        List<String> args = new ArrayList<>();
        args.add(e.deviceId());
        args.add(Long.toString(e.ts()));
        args.add(position);
        args.add(k.identityKey());
        args.add(k.signingKey());
        args.add(k.signedPrekey() == null ? "" : Json.write(signedPrekey(k.signedPrekey())));
        if (k.oneTimePrekeys() != null) {
            for (UserEvent.Prekey p : k.oneTimePrekeys()) {
                args.add(p.keyId());
                args.add(p.publicKey());
            }
        }
        String user = e.userId();
        String device = e.deviceId();
        return new Call(
                RedisKeys.KEYS_UPLOAD_SCRIPT,
                List.of(
                        RedisKeys.keyDevices(user),
                        RedisKeys.keys(user, device),
                        RedisKeys.oneTimeKeys(user, device),
                        RedisKeys.claimedKeys(user, device),
                        RedisKeys.signedOut(user)),
                args);
    }

    /** Hands out one one-time prekey of the device (no arguments) or applies a logged claim. */
    public static Call claim(String userId, String deviceId, String loggedKeyId) {
        return new Call(
                RedisKeys.CLAIM_PREKEY_SCRIPT,
                List.of(
                        RedisKeys.oneTimeKeys(userId, deviceId),
                        RedisKeys.claimedKeys(userId, deviceId)),
                loggedKeyId == null ? List.of() : List.of(loggedKeyId));
    }

    /** A signed-out device's keys go. */
    public static Call remove(String userId, String deviceId) {
        return new Call(
                RedisKeys.KEYS_REMOVE_SCRIPT,
                List.of(
                        RedisKeys.keyDevices(userId),
                        RedisKeys.keys(userId, deviceId),
                        RedisKeys.oneTimeKeys(userId, deviceId)),
                List.of(deviceId));
    }

    /** The wire shape of a signed prekey: {@code {key_id, public_key, signature}}. */
    public static Map<String, String> signedPrekey(UserEvent.Prekey p) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("key_id", p.keyId());
        m.put("public_key", p.publicKey());
        m.put("signature", p.signature());
        return m;
    }
}

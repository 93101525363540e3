package io.parley.edge.session;

import com.fasterxml.jackson.databind.node.NullNode;
import io.parley.edge.delivery.UserLog;
import io.parley.schemas.Json;
import io.parley.schemas.KeyDirectory;
import io.parley.schemas.RedisKeys;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import io.parley.schemas.topics.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import redis.clients.jedis.JedisPooled;

/**
 * The key directory (PROTOCOL.md section 6): public keys only. An upload is a {@code keys_uploaded}
 * entry of the user's log, a claim a {@code prekey_claimed} one; Redis {@code keydevs:}, {@code
 * keys:}, {@code otk:} and {@code otkc:} are their projections ({@code RedisKeys}), written by the
 * edge after its append and by the user projection job with the same order-independent scripts.
 *
 * <p>A claim is decided by one Redis script that moves a one-time prekey from unclaimed to claimed
 * atomically, so two claims racing on two gateways never get the same key; the claim is then
 * logged, so a replay marks it claimed again.
 */
public final class KeyService {
    /** One-time prekeys one upload may carry. */
    public static final int MAX_ONE_TIME_PREKEYS = 100;

    private static final int MAX_KEY_CHARS = 1024;

    private final JedisPooled redis;
    private final UserLog log;
    private final Clock clock;

    public KeyService(JedisPooled redis, UserLog log, Clock clock) {
        this.redis = redis;
        this.log = log;
        this.clock = clock;
    }

    /** {@code PUT /v1/keys}: validates, logs, then applies the upload to the directory. */
    public void upload(String userId, String deviceId, UserEvent.Keys keys) {
        if (!Topics.ID.matcher(deviceId).matches()) {
            throw bad("device_id must be 1-64 chars of [A-Za-z0-9_-]");
        }
        check("identity_key", keys.identityKey());
        check("signing_key", keys.signingKey());
        UserEvent.Prekey signed = keys.signedPrekey();
        if (signed == null) {
            throw bad("missing field 'signed_prekey'");
        }
        checkId("signed_prekey.key_id", signed.keyId());
        check("signed_prekey.public_key", signed.publicKey());
        check("signed_prekey.signature", signed.signature());
        UserEvent.Prekey[] otks =
                keys.oneTimePrekeys() == null ? new UserEvent.Prekey[0] : keys.oneTimePrekeys();
        if (otks.length > MAX_ONE_TIME_PREKEYS) {
            throw bad("at most " + MAX_ONE_TIME_PREKEYS + " one_time_prekeys per upload");
        }
        for (UserEvent.Prekey k : otks) {
            checkId("one_time_prekeys[].key_id", k.keyId());
            check("one_time_prekeys[].public_key", k.publicKey());
        }
        long now = clock.millis();
        UserEvent event =
                UserEvent.keysUploaded(userId, UUID.randomUUID().toString(), now, deviceId, keys);
        KeyDirectory.Call write = KeyDirectory.upload(event, log.append(event));
        redis.eval(write.script(), write.keys(), write.args());
    }

    /** {@code GET /v1/keys/{user_id}}: every device's bundle, without one-time prekeys. */
    public Map<String, Object> bundles(String userId) {
        return directory(userId, false);
    }

    /** {@code POST /v1/keys/claim}: the bundles plus one one-time prekey (or null) per device. */
    public Map<String, Object> claim(String userId) {
        return directory(userId, true);
    }

    /** {@code GET /v1/keys/count}: the device's unclaimed one-time prekeys. */
    public long count(String userId, String deviceId) {
        return redis.hlen(RedisKeys.oneTimeKeys(userId, deviceId));
    }

    private Map<String, Object> directory(String userId, boolean claim) {
        List<Map<String, Object>> devices = new ArrayList<>();
        for (String device : new TreeSet<>(redis.smembers(RedisKeys.keyDevices(userId)))) {
            Map<String, String> bundle = redis.hgetAll(RedisKeys.keys(userId, device));
            if (bundle.isEmpty()) {
                continue;
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("device_id", device);
            d.put("identity_key", bundle.get("identity_key"));
            d.put("signing_key", bundle.get("signing_key"));
            d.put("signed_prekey", Json.read(bundle.get("signed_prekey"), Map.class));
            if (claim) {
                // an explicit null when none is left (the JSON writer leaves out plain nulls)
                Map<String, String> otk = claimOne(userId, device);
                d.put("one_time_prekey", otk == null ? NullNode.getInstance() : otk);
            }
            devices.add(d);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user_id", userId);
        out.put("devices", devices);
        return out;
    }

    private Map<String, String> claimOne(String userId, String device) {
        KeyDirectory.Call claim = KeyDirectory.claim(userId, device, null);
        Object got = redis.eval(claim.script(), claim.keys(), claim.args());
        if (!(got instanceof List<?> pair) || pair.size() < 2) {
            return null;
        }
        String keyId = pair.get(0).toString();
        String publicKey = pair.get(1).toString();
        // the claim is decided; the log records it so a replay marks it claimed again
        log.append(
                UserEvent.prekeyClaimed(
                        userId,
                        UUID.randomUUID().toString(),
                        clock.millis(),
                        device,
                        new UserEvent.Prekey(keyId, publicKey, null)));
        Map<String, String> key = new LinkedHashMap<>();
        key.put("key_id", keyId);
        key.put("public_key", publicKey);
        return key;
    }

    private static void check(String field, String value) {
        if (value == null) {
            throw bad("missing field '" + field + "'");
        }
        if (value.isEmpty() || value.length() > MAX_KEY_CHARS) {
            throw bad(field + " must be 1-" + MAX_KEY_CHARS + " chars of base64");
        }
        try {
            Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw bad(field + " must be base64");
        }
    }

    private static void checkId(String field, String value) {
        if (value == null || !Topics.ID.matcher(value).matches()) {
            throw bad(field + " must be 1-64 chars of [A-Za-z0-9_-]");
        }
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, message);
    }
}

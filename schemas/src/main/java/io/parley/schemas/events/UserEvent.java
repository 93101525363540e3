package io.parley.schemas.events;

/**
 * An entry of a user's log {@code events/users} (key = user id): a change to user-level state.
 * Every table and cache of that state (Cassandra {@code user_settings}, {@code devices}, {@code
 * media}; Redis {@code privacy:<user>}) is a projection of this log. Which fields are set depends
 * on {@link #kind}.
 *
 * @param privacy {@code privacy_set}: the user's whole settings after the change
 * @param deviceId {@code device_registered}, {@code push_token_removed}, {@code device_seen} (the
 *     first connection of a device, or the first after its sign-out), {@code device_signed_out}
 *     (its push token and keys go, and its tokens issued before {@code ts} are refused)
 * @param pushToken {@code device_registered}: the new token; {@code push_token_removed}: the token
 *     FCM reported dead (the device keeps a newer one if it registered one since)
 * @param media {@code media_registered}: an upload the user was given a URL for
 * @param keys {@code keys_uploaded}: a device's public keys (PROTOCOL.md section 6); {@code
 *     prekey_claimed}: the one-time prekey handed out ({@code oneTimePrekeys} holds it alone)
 * @param message {@code to_device}: a device-to-device message waiting for {@code deviceId} of
 *     {@code userId} (the log's key is the target user); {@code to_device_acked}: the device
 *     handled it ({@code message} holds only its id)
 */
public record UserEvent(
        String userId,
        String kind,
        String eventId,
        long ts,
        Privacy privacy,
        String deviceId,
        String platform,
        String pushToken,
        Media media,
        Keys keys,
        DeviceMessage message) {

    /** An entry without a device message. */
    public UserEvent(
            String userId,
            String kind,
            String eventId,
            long ts,
            Privacy privacy,
            String deviceId,
            String platform,
            String pushToken,
            Media media,
            Keys keys) {
        this(userId, kind, eventId, ts, privacy, deviceId, platform, pushToken, media, keys, null);
    }

    /** An entry without keys. */
    public UserEvent(
            String userId,
            String kind,
            String eventId,
            long ts,
            Privacy privacy,
            String deviceId,
            String platform,
            String pushToken,
            Media media) {
        this(userId, kind, eventId, ts, privacy, deviceId, platform, pushToken, media, null);
    }

    public static final String PRIVACY_SET = "privacy_set";
    public static final String DEVICE_REGISTERED = "device_registered";
    public static final String PUSH_TOKEN_REMOVED = "push_token_removed";
    public static final String MEDIA_REGISTERED = "media_registered";
    public static final String DEVICE_SEEN = "device_seen";
    public static final String DEVICE_SIGNED_OUT = "device_signed_out";
    public static final String KEYS_UPLOADED = "keys_uploaded";
    public static final String PREKEY_CLAIMED = "prekey_claimed";
    public static final String TO_DEVICE = "to_device";
    public static final String TO_DEVICE_ACKED = "to_device_acked";

    /**
     * A {@code to_device} message (PROTOCOL.md section 6): its id (the same on every delivery), its
     * sender, the ciphertext, and its place among the device's waiting messages.
     */
    public record DeviceMessage(
            String id, String senderId, String senderDeviceId, String ciphertext, long order) {}

    /** A public key with its id (a one-time prekey), or a signed prekey with its signature. */
    public record Prekey(String keyId, String publicKey, String signature) {}

    /**
     * A device's public keys: identity (X25519), signing (Ed25519), its signed prekey (replaced by
     * each upload, null when an upload only adds one-time prekeys) and one-time prekeys (added; an
     * array, not a list: Flink serializes the user log's entries as POJOs, and a list would need
     * Kryo, which cannot reach into JDK lists on Java 17).
     */
    public record Keys(
            String identityKey, String signingKey, Prekey signedPrekey, Prekey[] oneTimePrekeys) {}

    /** Privacy settings (PROTOCOL.md section 3). */
    public record Privacy(
            String onlineVisibility,
            String lastSeenVisibility,
            boolean readReceipts,
            String groupAdds) {}

    /** A media registration (PROTOCOL.md section 3, {@code POST /v1/media}). */
    public record Media(
            String mediaId,
            String roomId,
            String mime,
            long size,
            String sha256,
            String objectKey,
            long createdAt) {}

    public static UserEvent privacySet(String userId, String id, long ts, Privacy privacy) {
        return new UserEvent(userId, PRIVACY_SET, id, ts, privacy, null, null, null, null);
    }

    public static UserEvent deviceRegistered(
            String userId, String id, long ts, String deviceId, String platform, String token) {
        return new UserEvent(
                userId, DEVICE_REGISTERED, id, ts, null, deviceId, platform, token, null);
    }

    public static UserEvent pushTokenRemoved(
            String userId, String id, long ts, String deviceId, String token) {
        return new UserEvent(userId, PUSH_TOKEN_REMOVED, id, ts, null, deviceId, null, token, null);
    }

    public static UserEvent deviceSeen(String userId, String id, long ts, String deviceId) {
        return new UserEvent(userId, DEVICE_SEEN, id, ts, null, deviceId, null, null, null);
    }

    public static UserEvent deviceSignedOut(String userId, String id, long ts, String deviceId) {
        return new UserEvent(userId, DEVICE_SIGNED_OUT, id, ts, null, deviceId, null, null, null);
    }

    public static UserEvent keysUploaded(
            String userId, String id, long ts, String deviceId, Keys keys) {
        return new UserEvent(userId, KEYS_UPLOADED, id, ts, null, deviceId, null, null, null, keys);
    }

    public static UserEvent prekeyClaimed(
            String userId, String id, long ts, String deviceId, Prekey claimed) {
        return new UserEvent(
                userId,
                PREKEY_CLAIMED,
                id,
                ts,
                null,
                deviceId,
                null,
                null,
                null,
                new Keys(null, null, null, new Prekey[] {claimed}));
    }

    public static UserEvent toDevice(
            String userId, long ts, String deviceId, DeviceMessage message) {
        return new UserEvent(
                userId,
                TO_DEVICE,
                message.id(),
                ts,
                null,
                deviceId,
                null,
                null,
                null,
                null,
                message);
    }

    public static UserEvent toDeviceAcked(String userId, long ts, String deviceId, String id) {
        return new UserEvent(
                userId,
                TO_DEVICE_ACKED,
                id + "-ack",
                ts,
                null,
                deviceId,
                null,
                null,
                null,
                null,
                new DeviceMessage(id, null, null, null, 0));
    }

    public static UserEvent mediaRegistered(String userId, String id, long ts, Media media) {
        return new UserEvent(userId, MEDIA_REGISTERED, id, ts, null, null, null, null, media);
    }
}

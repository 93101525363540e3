package io.parley.clients.e2ee;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.clients.ParleyClient;
import io.parley.schemas.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One device's end-to-end encryption over the Parley API (docs/e2ee.md), for the command line:
 * publishes its keys, shares its sender key for a room with every device of every member before it
 * sends, decrypts room messages, answers and sends key requests, and handles incoming {@code
 * to_device} frames (always acked). Not thread-safe beyond {@link #onFrame}, which callers invoke
 * from the WebSocket thread: public methods synchronize on the session.
 */
public final class E2eeSession {
    static final int MAX_TARGETS = 100;

    private final ParleyClient client;
    private final String token;
    private final Path stateFile;
    private final E2eeState state;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private volatile ParleyClient.Connection connection;
    private volatile Runnable onKeys = () -> {};

    public E2eeSession(
            ParleyClient client, String token, String userId, String deviceId, Path stateFile)
            throws IOException {
        this.client = client;
        this.token = token;
        this.stateFile = stateFile;
        this.state = E2eeState.load(stateFile, userId, deviceId);
    }

    public String userId() {
        return state.keys.userId;
    }

    public String deviceId() {
        return state.keys.deviceId;
    }

    /** Called after a room key arrived (messages waiting for it may be read now). */
    public void onKeys(Runnable listener) {
        this.onKeys = listener;
    }

    /** The connection {@code to_device} frames go out on. */
    public void attach(ParleyClient.Connection connection) {
        this.connection = connection;
    }

    /** Publishes the device's keys once, and tops up its one-time prekeys when few are left. */
    public synchronized void publishKeys() throws Exception {
        DeviceKeys k = state.keys;
        if (!state.uploaded) {
            client.call(
                    "PUT",
                    "/v1/keys",
                    token,
                    k.uploadBody(new ArrayList<>(k.oneTimePrekeys.keySet())));
            state.uploaded = true;
            save();
            return;
        }
        long left =
                client.call(
                                "GET",
                                "/v1/keys/count?device_id=" + ParleyClient.q(k.deviceId),
                                token,
                                null)
                        .path("count")
                        .asLong();
        if (left < DeviceKeys.TOP_UP_BELOW) {
            List<String> ids = k.addOneTimePrekeys(DeviceKeys.ONE_TIME_PREKEYS - (int) left);
            save();
            client.call("PUT", "/v1/keys", token, k.uploadBody(ids));
        }
    }

    /** Whether a room is encrypted ({@code GET /v1/rooms/{id}}). */
    public boolean encrypted(String roomId) throws Exception {
        return room(roomId).path("encrypted").asBoolean(false);
    }

    /**
     * The ciphertext of {@code body} for a room, after this device's sender key for the room was
     * shared with every device of every member that does not have it yet.
     */
    public synchronized String encrypt(String roomId, String body) throws Exception {
        RoomCipher.SenderKey key =
                state.own.computeIfAbsent(roomId, r -> RoomCipher.SenderKey.generate());
        save();
        List<Map<String, Object>> targets = new ArrayList<>();
        List<String> newlyShared = new ArrayList<>();
        for (JsonNode m : room(roomId).path("members")) {
            String user = m.path("user_id").asText();
            // a claim spends a one-time prekey of every device: only when one lacks the key
            if (!lacksKey(roomId, user, bundles(user))) {
                continue;
            }
            for (JsonNode device : claim(user)) {
                String id = device.path("device_id").asText();
                String to = user + "|" + id;
                if (!lacksKey(roomId, user, List.of(device))) {
                    continue;
                }
                try {
                    targets.add(target(user, device, roomKey(roomId, userId(), deviceId(), key)));
                    newlyShared.add(to);
                } catch (E2eeException e) {
                    // a device whose signed prekey does not verify gets nothing
                }
            }
        }
        sendToDevice(targets);
        state.sharedWith(roomId).addAll(newlyShared);
        save();
        return RoomCipher.encrypt(roomId, userId(), deviceId(), key, body);
    }

    /**
     * The body of a room message, or null when its key is not here yet (then it is asked for, from
     * the owner device and this user's other devices).
     */
    public synchronized String decrypt(String roomId, String senderId, String ciphertext)
            throws Exception {
        RoomCipher.KeyRef ref = RoomCipher.keyOf(ciphertext);
        String key = keyFor(roomId, senderId, ref);
        if (key == null) {
            requestKey(roomId, senderId, ref);
            return null;
        }
        return RoomCipher.decrypt(roomId, senderId, key, ciphertext);
    }

    private String keyFor(String roomId, String senderId, RoomCipher.KeyRef ref) {
        if (senderId.equals(userId()) && ref.senderDevice().equals(deviceId())) {
            RoomCipher.SenderKey own = state.own.get(roomId);
            return own != null && own.keyId().equals(ref.keyId()) ? own.key() : null;
        }
        return state.received.get(E2eeState.ref(roomId, senderId, ref.senderDevice(), ref.keyId()));
    }

    private void requestKey(String roomId, String owner, RoomCipher.KeyRef ref) throws Exception {
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.put("type", "key_request");
        payload.put("room_id", roomId);
        payload.put("owner_user_id", owner);
        payload.put("owner_device_id", ref.senderDevice());
        payload.put("key_id", ref.keyId());
        List<Map<String, Object>> targets = new ArrayList<>();
        for (String user : owner.equals(userId()) ? List.of(owner) : List.of(owner, userId())) {
            for (JsonNode device : claim(user)) {
                String id = device.path("device_id").asText();
                boolean ownerDevice = user.equals(owner) && id.equals(ref.senderDevice());
                boolean mine = user.equals(userId()) && !id.equals(deviceId());
                if (ownerDevice || mine) {
                    try {
                        targets.add(target(user, device, payload));
                    } catch (E2eeException e) {
                        // skipped: bad signature
                    }
                }
            }
        }
        sendToDevice(targets);
    }

    /** Hands a server frame to the session: {@code to_device} and its replies. */
    public void onFrame(JsonNode f) {
        String type = f.path("type").asText();
        if (type.equals("to_device_sent")
                || (type.equals("error") && pending.containsKey(f.path("ref").asText()))) {
            CompletableFuture<JsonNode> waiting =
                    pending.remove(f.path("ref").asText(f.path("client_msg_id").asText()));
            if (waiting != null) {
                waiting.complete(f);
            }
        } else if (type.equals("to_device")) {
            // handled off the WebSocket thread: it makes HTTP calls and may send frames
            CompletableFuture.runAsync(() -> handleToDevice(f));
        }
    }

    private synchronized void handleToDevice(JsonNode f) {
        String id = f.path("id").asText();
        try {
            if (state.handled.contains(id)) {
                return;
            }
            String sender = f.path("sender_id").asText();
            String senderDevice = f.path("sender_device_id").asText();
            Pairwise.Opened opened =
                    Pairwise.decrypt(
                            state.keys,
                            sender,
                            senderDevice,
                            identityKey(sender, senderDevice),
                            f.path("ciphertext").asText());
            if (opened.oneTimePrekeyId() != null) {
                state.keys.oneTimePrekeys.remove(opened.oneTimePrekeyId());
            }
            state.handle(id);
            JsonNode p = opened.payload();
            String room = p.path("room_id").asText();
            switch (p.path("type").asText()) {
                case "room_key" -> {
                    boolean fromOwner =
                            p.path("owner_user_id").asText().equals(sender)
                                    && p.path("owner_device_id").asText().equals(senderDevice);
                    if (fromOwner || sender.equals(userId())) {
                        state.received.put(
                                E2eeState.ref(
                                        room,
                                        p.path("owner_user_id").asText(),
                                        p.path("owner_device_id").asText(),
                                        p.path("key_id").asText()),
                                p.path("key").asText());
                        save();
                        CompletableFuture.runAsync(onKeys);
                    }
                }
                case "key_request" -> answer(sender, senderDevice, p);
                default -> {}
            }
            save();
        } catch (Exception e) {
            System.err.println("could not handle to_device " + id + ": " + e.getMessage());
        } finally {
            ParleyClient.Connection c = connection;
            if (c != null && c.isOpen()) {
                c.send(Map.of("type", "to_device_ack", "id", id));
            }
        }
    }

    /** A key request: the owner answers a member's device, an own device forwards what it has. */
    private void answer(String requester, String requesterDevice, JsonNode p) throws Exception {
        String room = p.path("room_id").asText();
        String owner = p.path("owner_user_id").asText();
        String ownerDevice = p.path("owner_device_id").asText();
        String keyId = p.path("key_id").asText();
        String key = null;
        if (owner.equals(userId()) && ownerDevice.equals(deviceId())) {
            RoomCipher.SenderKey own = state.own.get(room);
            boolean member = false;
            for (JsonNode m : room(room).path("members")) {
                member |= m.path("user_id").asText().equals(requester);
            }
            if (own != null && own.keyId().equals(keyId) && member) {
                key = own.key();
            }
        } else if (requester.equals(userId())) {
            key = state.received.get(E2eeState.ref(room, owner, ownerDevice, keyId));
        }
        if (key == null) {
            return;
        }
        for (JsonNode device : claim(requester)) {
            if (device.path("device_id").asText().equals(requesterDevice)) {
                sendToDevice(
                        List.of(
                                target(
                                        requester,
                                        device,
                                        roomKey(
                                                room,
                                                owner,
                                                ownerDevice,
                                                new RoomCipher.SenderKey(keyId, key)))));
            }
        }
    }

    private String identityKey(String user, String device) throws Exception {
        for (JsonNode d : bundles(user)) {
            if (d.path("device_id").asText().equals(device)) {
                return d.path("identity_key").asText();
            }
        }
        return null;
    }

    private JsonNode room(String roomId) throws Exception {
        return client.call("GET", "/v1/rooms/" + ParleyClient.q(roomId), token, null);
    }

    /** Whether a device of {@code user} among these has not been given this device's room key. */
    private boolean lacksKey(String roomId, String user, Iterable<JsonNode> devices) {
        for (JsonNode device : devices) {
            String id = device.path("device_id").asText();
            boolean self = user.equals(userId()) && id.equals(deviceId());
            if (!self && !state.sharedWith(roomId).contains(user + "|" + id)) {
                return true;
            }
        }
        return false;
    }

    /** The user's devices in the directory ({@code GET /v1/keys}: spends no one-time prekey). */
    private JsonNode bundles(String user) throws Exception {
        return client.call("GET", "/v1/keys/" + ParleyClient.q(user), token, null).path("devices");
    }

    private JsonNode claim(String user) throws Exception {
        return client.call("POST", "/v1/keys/claim", token, Map.of("user_id", user))
                .path("devices");
    }

    private Map<String, Object> target(String user, JsonNode device, JsonNode payload)
            throws E2eeException {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("user_id", user);
        t.put("device_id", device.path("device_id").asText());
        t.put("ciphertext", Pairwise.encrypt(state.keys, user, device, payload));
        return t;
    }

    private static JsonNode roomKey(
            String room, String owner, String ownerDevice, RoomCipher.SenderKey key) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("type", "room_key");
        p.put("room_id", room);
        p.put("owner_user_id", owner);
        p.put("owner_device_id", ownerDevice);
        p.put("key_id", key.keyId());
        p.put("key", key.key());
        return p;
    }

    /** Sends in frames of at most 100 targets, each waited for until {@code to_device_sent}. */
    private void sendToDevice(List<Map<String, Object>> targets) throws Exception {
        ParleyClient.Connection c = connection;
        if (targets.isEmpty()) {
            return;
        }
        if (c == null) {
            throw new IllegalStateException("no connection to send to_device on");
        }
        for (int from = 0; from < targets.size(); from += MAX_TARGETS) {
            String cmid = "td-" + UUID.randomUUID();
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            pending.put(cmid, reply);
            Map<String, Object> frame = new HashMap<>();
            frame.put("type", "to_device");
            frame.put("ref", cmid);
            frame.put("client_msg_id", cmid);
            frame.put(
                    "messages",
                    targets.subList(from, Math.min(targets.size(), from + MAX_TARGETS)));
            c.send(frame);
            JsonNode r = reply.get(30, TimeUnit.SECONDS);
            if (!"to_device_sent".equals(r.path("type").asText())) {
                throw new IllegalStateException("to_device refused: " + r);
            }
        }
    }

    private void save() throws IOException {
        state.save(stateFile);
    }
}

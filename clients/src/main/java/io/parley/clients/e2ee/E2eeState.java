package io.parley.clients.e2ee;

import io.parley.schemas.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one device keeps between runs (a JSON file, mode 600): its keys, its sender key per room,
 * the room keys it received, which devices each own sender key was shared with, and the ids of the
 * {@code to_device} messages it handled.
 */
public final class E2eeState {
    static final int HANDLED_KEPT = 2_000;

    public DeviceKeys keys;
    public boolean uploaded;
    public Map<String, RoomCipher.SenderKey> own = new LinkedHashMap<>();

    /** {@code room|user|device|key_id} -> key (base64). */
    public Map<String, String> received = new LinkedHashMap<>();

    /** room -> {@code user|device} the own sender key was sent to. */
    public Map<String, Set<String>> sharedWith = new LinkedHashMap<>();

    public List<String> handled = new ArrayList<>();

    public static String ref(String room, String user, String device, String keyId) {
        return room + "|" + user + "|" + device + "|" + keyId;
    }

    public static E2eeState load(Path file, String userId, String deviceId) throws IOException {
        if (Files.exists(file)) {
            E2eeState s = Json.MAPPER.readValue(file.toFile(), E2eeState.class);
            if (s.keys != null
                    && userId.equals(s.keys.userId)
                    && deviceId.equals(s.keys.deviceId)) {
                return s;
            }
        }
        E2eeState s = new E2eeState();
        s.keys = DeviceKeys.generate(userId, deviceId);
        return s;
    }

    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Json.write(this));
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps its default permissions
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Records a handled to_device id; false if it was handled before. */
    public boolean handle(String id) {
        if (handled.contains(id)) {
            return false;
        }
        handled.add(id);
        if (handled.size() > HANDLED_KEPT) {
            handled.remove(0);
        }
        return true;
    }

    public Set<String> sharedWith(String room) {
        return sharedWith.computeIfAbsent(room, r -> new LinkedHashSet<>());
    }
}

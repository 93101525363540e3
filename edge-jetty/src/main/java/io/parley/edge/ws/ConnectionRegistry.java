package io.parley.edge.ws;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The connections of this gateway by (user, device); a device's newest connection wins. */
public final class ConnectionRegistry {
    private final Map<String, Map<String, Connection>> byUser = new ConcurrentHashMap<>();

    /** Adds the connection; returns the one it replaces for the same device, if any. */
    public Connection add(Connection c) {
        return byUser.computeIfAbsent(c.userId, u -> new ConcurrentHashMap<>()).put(c.deviceId, c);
    }

    /** Removes the connection if it is still the device's current one; true if it was. */
    public boolean remove(Connection c) {
        Map<String, Connection> devices = byUser.get(c.userId);
        if (devices == null) {
            return false;
        }
        boolean removed = devices.remove(c.deviceId, c);
        byUser.computeIfPresent(c.userId, (u, d) -> d.isEmpty() ? null : d);
        return removed;
    }

    public Connection get(String userId, String deviceId) {
        Map<String, Connection> devices = byUser.get(userId);
        return devices == null ? null : devices.get(deviceId);
    }

    public boolean hasUser(String userId) {
        return byUser.containsKey(userId);
    }

    public Collection<Map<String, Connection>> all() {
        return byUser.values();
    }

    public int size() {
        return byUser.values().stream().mapToInt(Map::size).sum();
    }
}

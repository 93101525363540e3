package io.parley.flink.users;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/** A device directory for operator tests: stored push tokens in a map, lookups counted. */
public final class InMemoryDeviceDirectory
        implements DeviceDirectory, DeviceDirectory.Factory, Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> tokens = new HashMap<>();
    private int lookups;

    public InMemoryDeviceDirectory stored(String userId, String deviceId, String token) {
        tokens.put(userId + "/" + deviceId, token);
        return this;
    }

    public int lookups() {
        return lookups;
    }

    @Override
    public DeviceDirectory open() {
        return this;
    }

    @Override
    public String pushToken(String userId, String deviceId) {
        lookups++;
        return tokens.get(userId + "/" + deviceId);
    }

    @Override
    public void close() {}
}

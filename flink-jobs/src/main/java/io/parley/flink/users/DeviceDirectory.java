package io.parley.flink.users;

import java.io.Serializable;

/**
 * The stored push token of a device ({@code devices}), read only to seed the user projection's
 * keyed state for a device it has not seen since the job started (see {@code
 * UserProjectionFunction}).
 */
public interface DeviceDirectory extends AutoCloseable {

    /** The device's stored push token, or null when there is no such device. */
    String pushToken(String userId, String deviceId);

    @Override
    void close();

    /**
     * Opens a directory inside a task: the factory travels with the job graph, the connection does
     * not.
     */
    interface Factory extends Serializable {
        DeviceDirectory open();
    }
}

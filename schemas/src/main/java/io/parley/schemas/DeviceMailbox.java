package io.parley.schemas;

import io.parley.schemas.events.UserEvent;
import io.parley.schemas.frames.ServerFrame;
import java.util.List;

/**
 * The Redis writes of a device's {@code to_device} mailbox (PROTOCOL.md section 6) for one user-log
 * entry, shared by the edge (after its own append) and the user projection job (live and on
 * replay): the keys and arguments of the mailbox scripts in {@link RedisKeys}.
 */
public final class DeviceMailbox {
    /** Messages waiting per device; past that the oldest are dropped. */
    public static final int CAPACITY = 1_000;

    private DeviceMailbox() {}

    /** A {@code to_device} entry: the message waits for its device (unless acked or dropped). */
    public static KeyDirectory.Call add(UserEvent e) {
        return add(e, CAPACITY);
    }

    static KeyDirectory.Call add(UserEvent e, int capacity) {
        String user = e.userId();
        String device = e.deviceId();
        UserEvent.DeviceMessage m = e.message();
        return new KeyDirectory.Call(
                RedisKeys.MAILBOX_ADD_SCRIPT,
                List.of(
                        RedisKeys.mailbox(user, device),
                        RedisKeys.mailboxFrames(user, device),
                        RedisKeys.mailboxGone(user, device),
                        RedisKeys.mailboxDropped(user, device),
                        RedisKeys.signedOut(user)),
                List.of(
                        device,
                        Long.toString(e.ts()),
                        m.id(),
                        Long.toString(m.order()),
                        Json.write(frame(m)),
                        Integer.toString(capacity)));
    }

    /** A {@code to_device_acked} entry: the message goes for good. */
    public static KeyDirectory.Call ack(UserEvent e) {
        String user = e.userId();
        String device = e.deviceId();
        return new KeyDirectory.Call(
                RedisKeys.MAILBOX_ACK_SCRIPT,
                List.of(
                        RedisKeys.mailbox(user, device),
                        RedisKeys.mailboxFrames(user, device),
                        RedisKeys.mailboxGone(user, device)),
                List.of(e.message().id(), Long.toString(e.ts())));
    }

    /** A sign-out: everything waiting for the device goes. */
    public static KeyDirectory.Call clear(String userId, String deviceId) {
        return new KeyDirectory.Call(
                RedisKeys.MAILBOX_CLEAR_SCRIPT, keys(userId, deviceId), List.of());
    }

    /** On connection: {@code [dropped count, frame JSON...]}, and the count is reset. */
    public static KeyDirectory.Call take(String userId, String deviceId) {
        return new KeyDirectory.Call(
                RedisKeys.MAILBOX_TAKE_SCRIPT, keys(userId, deviceId), List.of());
    }

    /** The frame the target device receives. */
    public static ServerFrame.ToDevice frame(UserEvent.DeviceMessage m) {
        return new ServerFrame.ToDevice(m.id(), m.senderId(), m.senderDeviceId(), m.ciphertext());
    }

    private static List<String> keys(String userId, String deviceId) {
        return List.of(
                RedisKeys.mailbox(userId, deviceId),
                RedisKeys.mailboxFrames(userId, deviceId),
                RedisKeys.mailboxDropped(userId, deviceId));
    }
}

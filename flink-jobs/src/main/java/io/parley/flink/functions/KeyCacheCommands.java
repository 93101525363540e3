package io.parley.flink.functions;

import io.parley.flink.records.KeyWrite;
import io.parley.flink.sinks.RedisCommand;
import io.parley.schemas.DeviceMailbox;
import io.parley.schemas.Json;
import io.parley.schemas.KeyDirectory;
import io.parley.schemas.events.UserEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The key directory's and the device mailboxes' Redis keys as a projection of the user log
 * (PROTOCOL.md section 6), with the scripts the edge runs after its own appends ({@link
 * KeyDirectory}, {@link DeviceMailbox}): an upload adds a bundle and one-time prekeys (never one
 * already claimed), a logged claim marks its key claimed, a {@code to_device} waits in its device's
 * mailbox until its {@code to_device_acked}, a sign-out removes the device's keys and mailbox. Each
 * is idempotent.
 */
public final class KeyCacheCommands {
    private KeyCacheCommands() {}

    public static List<RedisCommand> of(KeyWrite write) {
        UserEvent e = Json.read(write.event(), UserEvent.class);
        List<KeyDirectory.Call> calls = new ArrayList<>();
        switch (e.kind()) {
            case UserEvent.KEYS_UPLOADED -> calls.add(KeyDirectory.upload(e, write.position()));
            case UserEvent.PREKEY_CLAIMED -> {
                for (UserEvent.Prekey k : e.keys().oneTimePrekeys()) {
                    calls.add(KeyDirectory.claim(e.userId(), e.deviceId(), k.keyId()));
                }
            }
            case UserEvent.DEVICE_SIGNED_OUT -> {
                calls.add(KeyDirectory.remove(e.userId(), e.deviceId()));
                calls.add(DeviceMailbox.clear(e.userId(), e.deviceId()));
            }
            case UserEvent.TO_DEVICE -> calls.add(DeviceMailbox.add(e));
            case UserEvent.TO_DEVICE_ACKED -> calls.add(DeviceMailbox.ack(e));
            default -> {}
        }
        List<RedisCommand> out = new ArrayList<>();
        for (KeyDirectory.Call c : calls) {
            out.add(RedisCommand.eval(c.script(), c.keys(), c.args()));
        }
        return out;
    }
}

package io.parley.edge.session;

import io.parley.schemas.DeviceMailbox;
import io.parley.schemas.Json;
import io.parley.schemas.KeyDirectory;
import io.parley.schemas.RedisKeys;
import io.parley.schemas.events.Signal;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.frames.ClientCommand;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import io.parley.schemas.frames.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.pulsar.client.api.MessageId;
import redis.clients.jedis.JedisPooled;

/**
 * Device-to-device messages (PROTOCOL.md section 6). Each target of a {@code to_device} is a {@code
 * to_device} entry of the target user's log; the device's mailbox in Redis is its projection
 * ({@link DeviceMailbox}), written by the edge after the append and by the user projection job (the
 * same idempotent script), and a {@code to_device} signal routed to the user's gateways delivers it
 * at once to the device if it is connected. What is not acked is delivered again on the device's
 * next connection, with the same id; {@code to_device_ack} is a {@code to_device_acked} entry,
 * after which the message is gone.
 *
 * <p>A message's id is derived from the sender, its device, the frame's {@code client_msg_id}, the
 * target's place in the frame and the target, so a retried frame adds nothing twice.
 */
public final class ToDeviceService {
    private static final Logger LOG = Logger.getLogger(ToDeviceService.class.getName());

    /** A device's connection, as this service sees it. */
    public interface Endpoint {
        String userId();

        String deviceId();

        boolean emit(ServerFrame frame, boolean droppable);
    }

    /** Whether {@code (user, device)} is a signed-in device (listed by {@code GET /v1/devices}). */
    public interface Devices {
        Set<String> of(String userId);
    }

    private final JedisPooled redis;
    private final Function<UserEvent, CompletableFuture<MessageId>> log;
    private final Function<Signal, ?> signals;
    private final Devices devices;
    private final Clock clock;
    private final Executor executor;

    /**
     * @param executor runs the Redis writes after an append (not on the Pulsar client's threads)
     */
    public ToDeviceService(
            JedisPooled redis,
            Function<UserEvent, CompletableFuture<MessageId>> log,
            Function<Signal, ?> signals,
            Devices devices,
            Clock clock,
            Executor executor) {
        this.redis = redis;
        this.log = log;
        this.signals = signals;
        this.devices = devices;
        this.clock = clock;
        this.executor = executor;
    }

    /**
     * Sends a {@code to_device} of connection {@code c}: {@code not_found} (nothing sent) if a
     * target device does not exist, else {@code to_device_sent} once every entry is in the log.
     */
    public void send(Endpoint c, ClientCommand.ToDevice t) {
        Map<String, Set<String>> known = new HashMap<>();
        for (ClientCommand.ToDeviceTarget target : t.messages()) {
            Set<String> of = known.computeIfAbsent(target.userId(), devices::of);
            if (!of.contains(target.deviceId())) {
                throw new ProtocolException(
                        ErrorCode.NOT_FOUND,
                        "no device " + target.deviceId() + " of user " + target.userId());
            }
        }
        long now = clock.millis();
        List<CompletableFuture<Void>> appended = new ArrayList<>();
        for (int i = 0; i < t.messages().size(); i++) {
            ClientCommand.ToDeviceTarget target = t.messages().get(i);
            UserEvent.DeviceMessage m =
                    new UserEvent.DeviceMessage(
                            idOf(c.userId(), c.deviceId(), t.clientMsgId(), i, target),
                            c.userId(),
                            c.deviceId(),
                            target.ciphertext(),
                            now * 1000 + i);
            UserEvent entry = UserEvent.toDevice(target.userId(), now, target.deviceId(), m);
            appended.add(log.apply(entry).thenAcceptAsync(id -> deliver(entry), executor));
        }
        CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new))
                .whenComplete(
                        (ok, failure) -> {
                            if (failure == null) {
                                c.emit(
                                        new ServerFrame.ToDeviceSent(t.clientMsgId(), t.ref()),
                                        false);
                            } else {
                                LOG.log(
                                        Level.WARNING,
                                        "a to_device of " + c.userId() + " failed",
                                        failure);
                                c.emit(
                                        ServerFrame.Error.of(
                                                ErrorCode.UNAVAILABLE,
                                                "could not send every message; send the same frame again",
                                                t.ref()),
                                        false);
                            }
                        });
    }

    /** The entry is in the log: into the mailbox, and to the device now if it is connected. */
    private void deliver(UserEvent entry) {
        if (Long.valueOf(1).equals(apply(DeviceMailbox.add(entry)))) {
            signals.apply(
                    Signal.toDevice(entry.userId(), entry.deviceId(), entry.message(), entry.ts()));
        }
    }

    /** {@code to_device_ack}: logged, then gone from the mailbox; an id not waiting is ignored. */
    public void ack(Endpoint c, ClientCommand.ToDeviceAck a) {
        if (redis.zscore(RedisKeys.mailbox(c.userId(), c.deviceId()), a.id()) == null) {
            return;
        }
        UserEvent entry = UserEvent.toDeviceAcked(c.userId(), clock.millis(), c.deviceId(), a.id());
        log.apply(entry)
                .thenAcceptAsync(id -> apply(DeviceMailbox.ack(entry)), executor)
                .exceptionally(
                        e -> {
                            // not acked: it comes again on the next connection, with its id
                            LOG.log(Level.WARNING, "could not log a to_device ack", e);
                            return null;
                        });
    }

    /** A device connected: what was dropped, then everything waiting for it, oldest first. */
    public void deliverWaiting(Endpoint c) {
        KeyDirectory.Call take = DeviceMailbox.take(c.userId(), c.deviceId());
        Object got = redis.eval(take.script(), take.keys(), take.args());
        if (!(got instanceof List<?> out) || out.isEmpty()) {
            return;
        }
        long dropped = Long.parseLong(out.get(0).toString());
        if (dropped > 0) {
            c.emit(new ServerFrame.ToDeviceDropped(dropped), false);
        }
        Set<String> seen = new HashSet<>();
        for (Object frame : out.subList(1, out.size())) {
            ServerFrame.ToDevice f = Json.read(frame.toString(), ServerFrame.ToDevice.class);
            if (seen.add(f.id())) {
                c.emit(f, false);
            }
        }
    }

    /** A live message for one of this gateway's connections. */
    public static boolean isFor(Endpoint c, Signal s) {
        return c.userId().equals(s.userId()) && c.deviceId().equals(s.deviceId());
    }

    private Object apply(KeyDirectory.Call call) {
        return redis.eval(call.script(), call.keys(), call.args());
    }

    static String idOf(
            String sender,
            String senderDevice,
            String clientMsgId,
            int index,
            ClientCommand.ToDeviceTarget target) {
        String name =
                String.join(
                        "|",
                        sender,
                        senderDevice,
                        clientMsgId,
                        Integer.toString(index),
                        target.userId(),
                        target.deviceId());
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Signed-in devices of a user, as {@link DeviceService#list} has them. */
    public static Devices of(DeviceService devices) {
        return user -> {
            Set<String> out = new HashSet<>();
            devices.list(user).forEach(d -> out.add(d.deviceId()));
            return out;
        };
    }
}

package io.parley.flink.functions;

import io.parley.flink.records.DeviceRemoval;
import io.parley.flink.records.DeviceRow;
import io.parley.flink.records.DeviceState;
import io.parley.flink.records.KeyWrite;
import io.parley.flink.records.MediaRow;
import io.parley.flink.records.SettingsRow;
import io.parley.flink.records.UserLogEntry;
import io.parley.flink.users.DeviceDirectory;
import io.parley.schemas.Json;
import io.parley.schemas.events.UserEvent;
import java.io.Serializable;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projections of one user's log, keyed by user id (so each user's entries come in log order):
 *
 * <ul>
 *   <li>{@code privacy_set} -> {@link SettingsRow} (main output): the whole settings, for {@code
 *       user_settings} and the {@code privacy:<user>} cache;
 *   <li>{@code device_registered} -> {@link DeviceRow} ({@link #DEVICES}), and {@code
 *       tokens[device] = push_token};
 *   <li>{@code push_token_removed} -> {@link DeviceRemoval} ({@link #DEVICE_REMOVALS}) iff {@code
 *       tokens[device] == push_token}: a device that registered a new token since FCM reported the
 *       old one dead keeps it; the device's entry leaves the state with its row;
 *   <li>{@code device_seen} -> {@link DeviceState} with {@code seenAt} ({@link #DEVICE_STATES});
 *   <li>{@code device_signed_out} -> {@link DeviceState} with {@code signedOutAt}, and a {@link
 *       DeviceRemoval} (its push token goes with its row);
 *   <li>{@code keys_uploaded}, {@code prekey_claimed} (and {@code device_signed_out}) -> {@link
 *       KeyWrite} ({@link #KEY_WRITES}), the key directory's Redis keys;
 *   <li>{@code media_registered} -> {@link MediaRow} ({@link #MEDIA}).
 * </ul>
 *
 * <p>The dead-token rule is decided by the keyed {@code tokens}, a function of the log, so a replay
 * from earliest decides every removal as the first run did. A device the state has not seen since
 * the job started (the job was started without state after its registration: a LocalCluster
 * restart, a replay from a later position, a device registered before the user log existed) is
 * seeded once from the {@code devices} projection ({@link DeviceDirectory}), which holds at least
 * everything the job acknowledged; any later entry re-read after it rewrites the row anyway.
 *
 * <p>Write timestamps: {@code writeTs = max(clock, lastWriteTs + 1)} per user (microseconds), so
 * one user's writes are strictly increasing in log order even across the separate sinks of a
 * device's upsert and its removal, and above every write before a restart (the clock has moved on).
 * An entry without the fields its kind needs, or of a kind this job does not know, projects nothing
 * (logged): a write with a null key would fail its sink forever.
 */
public class UserProjectionFunction
        extends KeyedProcessFunction<String, UserLogEntry, SettingsRow> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(UserProjectionFunction.class);

    public static final OutputTag<DeviceRow> DEVICES =
            new OutputTag<>("devices", TypeInformation.of(DeviceRow.class));
    public static final OutputTag<DeviceRemoval> DEVICE_REMOVALS =
            new OutputTag<>("device-removals", TypeInformation.of(DeviceRemoval.class));
    public static final OutputTag<DeviceState> DEVICE_STATES =
            new OutputTag<>("device-states", TypeInformation.of(DeviceState.class));
    public static final OutputTag<KeyWrite> KEY_WRITES =
            new OutputTag<>("key-writes", TypeInformation.of(KeyWrite.class));
    public static final OutputTag<MediaRow> MEDIA =
            new OutputTag<>("media", TypeInformation.of(MediaRow.class));

    /** Wall-clock microseconds, the base of the write timestamps. */
    @FunctionalInterface
    public interface MicrosClock extends Serializable {
        long nowMicros();

        MicrosClock SYSTEM =
                () -> {
                    Instant now = Instant.now();
                    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
                };
    }

    private final DeviceDirectory.Factory devicesFactory;
    private final MicrosClock clock;

    private transient MapState<String, String> tokens;
    private transient ValueState<Long> lastWriteTs;
    private transient DeviceDirectory devices;

    public UserProjectionFunction(DeviceDirectory.Factory devicesFactory) {
        this(devicesFactory, MicrosClock.SYSTEM);
    }

    public UserProjectionFunction(DeviceDirectory.Factory devicesFactory, MicrosClock clock) {
        this.devicesFactory = devicesFactory;
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) {
        tokens =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "push-tokens", String.class, String.class));
        lastWriteTs =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("last-write-ts", Long.class));
        devices = devicesFactory.open();
    }

    @Override
    public void processElement(UserLogEntry entry, Context ctx, Collector<SettingsRow> out)
            throws Exception {
        UserEvent e = entry.event();
        String user = e.userId();
        switch (e.kind() == null ? "" : e.kind()) {
            case UserEvent.PRIVACY_SET -> {
                UserEvent.Privacy p = e.privacy();
                if (p == null) {
                    skip(entry, "no privacy");
                    return;
                }
                out.collect(
                        new SettingsRow(
                                user,
                                p.onlineVisibility(),
                                p.lastSeenVisibility(),
                                p.readReceipts(),
                                p.groupAdds(),
                                entry.position(),
                                nextWriteTs()));
            }
            case UserEvent.DEVICE_REGISTERED -> {
                if (!present(e.deviceId()) || !present(e.pushToken())) {
                    skip(entry, "no device_id or push_token");
                    return;
                }
                tokens.put(e.deviceId(), e.pushToken());
                ctx.output(
                        DEVICES,
                        new DeviceRow(
                                user,
                                e.deviceId(),
                                e.platform(),
                                e.pushToken(),
                                e.ts(),
                                nextWriteTs()));
            }
            case UserEvent.PUSH_TOKEN_REMOVED -> {
                if (!present(e.deviceId()) || !present(e.pushToken())) {
                    skip(entry, "no device_id or push_token");
                    return;
                }
                String current = tokens.get(e.deviceId());
                if (current == null) {
                    current = devices.pushToken(user, e.deviceId());
                }
                if (e.pushToken().equals(current)) {
                    tokens.remove(e.deviceId());
                    ctx.output(
                            DEVICE_REMOVALS, new DeviceRemoval(user, e.deviceId(), nextWriteTs()));
                } else if (current != null) {
                    // the device has a newer token than the dead one: it stays
                    tokens.put(e.deviceId(), current);
                }
            }
            case UserEvent.DEVICE_SEEN -> {
                if (!present(e.deviceId())) {
                    skip(entry, "no device_id");
                    return;
                }
                ctx.output(
                        DEVICE_STATES,
                        new DeviceState(user, e.deviceId(), e.ts(), null, nextWriteTs()));
            }
            case UserEvent.DEVICE_SIGNED_OUT -> {
                if (!present(e.deviceId())) {
                    skip(entry, "no device_id");
                    return;
                }
                tokens.remove(e.deviceId());
                ctx.output(DEVICE_REMOVALS, new DeviceRemoval(user, e.deviceId(), nextWriteTs()));
                ctx.output(
                        DEVICE_STATES,
                        new DeviceState(user, e.deviceId(), null, e.ts(), nextWriteTs()));
                ctx.output(KEY_WRITES, new KeyWrite(user, Json.write(e), entry.position()));
            }
            case UserEvent.KEYS_UPLOADED, UserEvent.PREKEY_CLAIMED -> {
                if (!present(e.deviceId()) || e.keys() == null) {
                    skip(entry, "no device_id or keys");
                    return;
                }
                ctx.output(KEY_WRITES, new KeyWrite(user, Json.write(e), entry.position()));
            }
            case UserEvent.TO_DEVICE, UserEvent.TO_DEVICE_ACKED -> {
                UserEvent.DeviceMessage m = e.message();
                if (!present(e.deviceId()) || m == null || !present(m.id())) {
                    skip(entry, "no device_id or message id");
                    return;
                }
                ctx.output(KEY_WRITES, new KeyWrite(user, Json.write(e), entry.position()));
            }
            case UserEvent.MEDIA_REGISTERED -> {
                UserEvent.Media m = e.media();
                if (m == null || !present(m.mediaId())) {
                    skip(entry, "no media_id");
                    return;
                }
                ctx.output(
                        MEDIA,
                        new MediaRow(
                                m.mediaId(),
                                m.roomId(),
                                user,
                                m.mime(),
                                m.size(),
                                m.sha256(),
                                m.objectKey(),
                                m.createdAt(),
                                nextWriteTs()));
            }
            default -> skip(entry, "unknown kind");
        }
    }

    /** The next write timestamp of the current user: above the clock and every earlier one. */
    private long nextWriteTs() throws Exception {
        Long last = lastWriteTs.value();
        long ts = last == null ? clock.nowMicros() : Math.max(clock.nowMicros(), last + 1);
        lastWriteTs.update(ts);
        return ts;
    }

    private static void skip(UserLogEntry entry, String why) {
        LOG.warn(
                "user log entry {} ({} of {}): {}, projected nothing",
                entry.position(),
                entry.event().kind(),
                entry.userId(),
                why);
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }

    @Override
    public void close() {
        if (devices != null) {
            devices.close();
        }
    }
}

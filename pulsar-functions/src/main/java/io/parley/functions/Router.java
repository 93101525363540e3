package io.parley.functions;

import io.parley.schemas.SessionEntry;
import io.parley.schemas.events.DeviceRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans deliveries: {@code gateways(users) = group-by(gateway, live devices of users)}, and {@code
 * offline = users with no live device}.
 */
public final class Router {
    private final Directory directory;

    public Router(Directory directory) {
        this.directory = directory;
    }

    /** Every member's devices; the sender's too, so its gateway can tick the send. */
    public DeliveryPlan forRoom(String roomId, long now) {
        return plan(directory.members(roomId), now);
    }

    /**
     * Every member's devices for a sequenced message, raising the room's last seq in the same round
     * trip to the directory.
     */
    public DeliveryPlan forMessage(String roomId, long seq, long now) {
        return plan(directory.raiseLastSeqAndGetMembers(roomId, seq), now);
    }

    /** {@link #forMessage}, recording that the sender spoke in the room in the same round trip. */
    public DeliveryPlan forMessage(String roomId, long seq, String sender, long now) {
        return plan(directory.raiseLastSeqAndGetMembers(roomId, seq, sender), now);
    }

    /**
     * An entry of the log: every member's devices (raising the room's last seq in the same round
     * trip), plus the devices of {@code alsoUsers} (a removed member gets their own removal).
     */
    public DeliveryPlan forEntry(String roomId, long seq, Collection<String> alsoUsers, long now) {
        Set<String> users = new TreeSet<>(directory.raiseLastSeqAndGetMembers(roomId, seq));
        users.addAll(alsoUsers);
        return plan(users, now);
    }

    /** Every member but {@code except}. */
    public DeliveryPlan forRoomExcept(String roomId, String except, long now) {
        Set<String> users = new TreeSet<>(directory.members(roomId));
        users.remove(except);
        return plan(users, now);
    }

    /** The user's own devices (read states, sign-outs). */
    public DeliveryPlan forUser(String userId, long now) {
        return plan(List.of(userId), now);
    }

    /** The peers of a user across all the user's rooms (for presence changes). */
    public DeliveryPlan forPeersOf(String userId, long now) {
        Set<String> peers = new TreeSet<>();
        for (String room : directory.roomsOf(userId)) {
            peers.addAll(directory.members(room));
        }
        peers.remove(userId);
        return plan(peers, now);
    }

    private DeliveryPlan plan(Collection<String> users, long now) {
        Map<String, Map<String, SessionEntry>> sessions = directory.sessions(users);
        Map<String, List<DeviceRef>> byGateway = new TreeMap<>();
        Set<String> offline = new TreeSet<>();
        for (String user : users) {
            boolean live = false;
            Map<String, SessionEntry> devices = sessions.getOrDefault(user, Map.of());
            for (Map.Entry<String, SessionEntry> device : devices.entrySet()) {
                if (device.getValue().liveAt(now)) {
                    live = true;
                    byGateway
                            .computeIfAbsent(device.getValue().gatewayId(), g -> new ArrayList<>())
                            .add(new DeviceRef(user, device.getKey()));
                }
            }
            if (!live) {
                offline.add(user);
            }
        }
        return new DeliveryPlan(byGateway, offline);
    }
}

package io.parley.schemas;

/**
 * One device's route in {@code sessions:<user>}: the gateway it is connected to, valid until {@code
 * expiresAt} (epoch ms), and the device's own presence status ({@code online}/{@code away}; the
 * user's presence is the aggregate over their live devices, PROTOCOL.md section 5). Redis has no
 * per-field TTL, so expiry lives in the value and readers ignore stale entries; the edge refreshes
 * it with every heartbeat. Encoded {@code gateway|expiry|status}; an entry without a status
 * (written before v1.1) is online.
 */
public record SessionEntry(String gatewayId, long expiresAt, String status) {
    public static final String ONLINE = "online";
    public static final String AWAY = "away";

    public SessionEntry(String gatewayId, long expiresAt) {
        this(gatewayId, expiresAt, ONLINE);
    }

    public String encode() {
        return gatewayId + "|" + expiresAt + "|" + status;
    }

    public static SessionEntry decode(String raw) {
        String[] parts = raw.split("\\|", -1);
        if (parts.length == 1) {
            return new SessionEntry(raw, Long.MAX_VALUE);
        }
        String status = parts.length > 2 && AWAY.equals(parts[2]) ? AWAY : ONLINE;
        return new SessionEntry(parts[0], Long.parseLong(parts[1]), status);
    }

    public boolean liveAt(long now) {
        return expiresAt > now;
    }

    public SessionEntry withStatus(String newStatus) {
        return new SessionEntry(gatewayId, expiresAt, newStatus);
    }

    /**
     * The presence of a user over their devices: {@code online} if any live device is, {@code away}
     * if every live device is, null (offline) if none is live.
     */
    public static String aggregate(Iterable<SessionEntry> devices, long now) {
        String status = null;
        for (SessionEntry d : devices) {
            if (d.liveAt(now)) {
                if (ONLINE.equals(d.status())) {
                    return ONLINE;
                }
                status = AWAY;
            }
        }
        return status;
    }
}

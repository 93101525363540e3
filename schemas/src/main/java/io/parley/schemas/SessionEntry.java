package io.parley.schemas;

/**
 * One device's route in {@code sessions:<user>}: the gateway it is connected to, valid until {@code
 * expiresAt} (epoch ms). Redis has no per-field TTL, so expiry lives in the value and readers
 * ignore stale entries; the edge refreshes it with every heartbeat.
 */
public record SessionEntry(String gatewayId, long expiresAt) {

    public String encode() {
        return gatewayId + "|" + expiresAt;
    }

    public static SessionEntry decode(String raw) {
        int bar = raw.lastIndexOf('|');
        if (bar < 0) {
            return new SessionEntry(raw, Long.MAX_VALUE);
        }
        return new SessionEntry(raw.substring(0, bar), Long.parseLong(raw.substring(bar + 1)));
    }

    public boolean liveAt(long now) {
        return expiresAt > now;
    }
}

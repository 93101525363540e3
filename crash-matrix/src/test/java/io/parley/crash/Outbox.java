package io.parley.crash;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One client's sends that have no {@code sent} yet, as a patient client keeps them: each goes out
 * when made, again after a silence of {@code retryMs} doubling with each try up to {@link
 * #MAX_SILENCE_MS} (a retry into a slow pipeline is only more load), at a given time after an
 * error, and at once after a reconnect; always under its first {@code client_msg_id}. At most
 * {@code capacity} wait: a client that cannot get its messages out stops making new ones.
 */
final class Outbox {
    /** A send waiting for its tick. */
    static final class Pending {
        final String clientMsgId;
        final String body;
        final long createdAt;
        long nextTryAt;
        int tries;

        Pending(String clientMsgId, String body, long createdAt) {
            this.clientMsgId = clientMsgId;
            this.body = body;
            this.createdAt = createdAt;
            this.nextTryAt = createdAt;
        }
    }

    /** The longest silence after which a send is tried again. */
    static final long MAX_SILENCE_MS = 15_000;

    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final int capacity;
    private final long retryMs;

    Outbox(int capacity, long retryMs) {
        this.capacity = capacity;
        this.retryMs = retryMs;
    }

    /** Takes a new send, due at once; false when full. */
    synchronized boolean offer(String clientMsgId, String body, long now) {
        if (pending.size() >= capacity) {
            return false;
        }
        pending.put(clientMsgId, new Pending(clientMsgId, body, now));
        return true;
    }

    /**
     * The sends to (re)transmit now, oldest first; each is next due after {@code retryMs} times 2
     * to the power of its earlier tries, at most {@link #MAX_SILENCE_MS}.
     */
    synchronized List<Pending> due(long now) {
        List<Pending> out = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (p.nextTryAt <= now) {
                long silence = Math.min(MAX_SILENCE_MS, retryMs << Math.min(p.tries, 10));
                p.nextTryAt = now + silence;
                p.tries++;
                out.add(p);
            }
        }
        return out;
    }

    /**
     * The edge refused it for now ({@code unavailable}, {@code rate_limited}): try again at {@code
     * at}.
     */
    synchronized void retryAt(String clientMsgId, long at) {
        Pending p = pending.get(clientMsgId);
        if (p != null) {
            p.nextTryAt = at;
        }
    }

    /** A new connection: whatever was on the old one may be lost, so everything is due. */
    synchronized void reconnected(long now) {
        pending.values().forEach(p -> p.nextTryAt = now);
    }

    /**
     * Its tick came: no longer pending; null when it was not (a tick for a retry already ticked).
     */
    synchronized Pending acked(String clientMsgId) {
        return pending.remove(clientMsgId);
    }

    synchronized int size() {
        return pending.size();
    }
}

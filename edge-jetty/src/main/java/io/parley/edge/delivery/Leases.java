package io.parley.edge.delivery;

/**
 * The uses in flight of a shared resource and when it was last used, so that it can be retired once
 * idle without cutting off a use: after {@link #retireIfIdle} says yes, {@link #begin} says no and
 * the caller takes a fresh resource.
 */
final class Leases {
    private int inFlight;
    private long lastUsed;
    private boolean retired;

    Leases(long now) {
        this.lastUsed = now;
    }

    /** Starts a use; false if the resource has been retired. */
    synchronized boolean begin(long now) {
        if (retired) {
            return false;
        }
        inFlight++;
        lastUsed = Math.max(lastUsed, now);
        return true;
    }

    synchronized void end() {
        inFlight--;
    }

    /** Retires the resource if nothing is in flight and it was last used at least idleMs ago. */
    synchronized boolean retireIfIdle(long now, long idleMs) {
        if (!retired && inFlight == 0 && now - lastUsed >= idleMs) {
            retired = true;
        }
        return retired;
    }
}

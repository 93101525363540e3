package io.parley.edge.ws;

/**
 * One joined room on one connection: the merger that keeps its messages gap-free and in order,
 * whether a catch-up read from the store is running, and what to say once it has caught up. Guarded
 * by the owning {@link Connection}'s lock.
 */
final class RoomStream {
    final String roomId;
    final SeqMerger merger;
    boolean catchingUp;
    Runnable onCaughtUp;

    RoomStream(String roomId, SeqMerger merger, Runnable onCaughtUp) {
        this.roomId = roomId;
        this.merger = merger;
        this.onCaughtUp = onCaughtUp;
    }
}

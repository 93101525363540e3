package io.parley.edge.ws;

import io.parley.schemas.events.SequencedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Merges the messages of one room from any source (replay from the store, live delivery) into one
 * gap-free, duplicate-free stream in seq order: {@code emit = contiguous run after delivered}.
 * Anything ahead of a gap is held until the gap is filled. Not thread-safe: the owner serialises
 * calls.
 */
public final class SeqMerger {
    private long delivered;
    private long target;
    private final long limit;
    private final TreeMap<Long, SequencedMessage> held = new TreeMap<>();

    /**
     * @param delivered the client already has every seq up to this
     * @param target the room is known to reach at least this seq (a gap until it is delivered)
     */
    public SeqMerger(long delivered, long target) {
        this(delivered, target, Long.MAX_VALUE);
    }

    /**
     * @param limit nothing after this seq is emitted (a former member's stream ends at their
     *     removal)
     */
    public SeqMerger(long delivered, long target, long limit) {
        this.delivered = delivered;
        this.limit = limit;
        this.target = Math.min(limit, Math.max(delivered, target));
    }

    /** Accepts a message; returns what can now be emitted, in order (possibly nothing). */
    public List<SequencedMessage> accept(SequencedMessage m) {
        if (m.seq() <= delivered || m.seq() > limit) {
            return List.of();
        }
        held.putIfAbsent(m.seq(), m);
        target = Math.max(target, m.seq());
        List<SequencedMessage> out = new ArrayList<>();
        while (!held.isEmpty() && held.firstKey() == delivered + 1) {
            out.add(held.pollFirstEntry().getValue());
            delivered++;
        }
        return out;
    }

    /**
     * The room is now known to reach at least this seq: anything not delivered up to it is a gap.
     */
    public void raiseTarget(long seq) {
        target = Math.max(target, Math.min(seq, limit));
    }

    /** The first missing seq and the last one known to be missing, or null if nothing is. */
    public long[] gap() {
        if (delivered >= target) {
            return null;
        }
        long end = held.isEmpty() ? target : held.firstKey() - 1;
        return new long[] {delivered + 1, end};
    }

    public long delivered() {
        return delivered;
    }

    public int heldCount() {
        return held.size();
    }
}

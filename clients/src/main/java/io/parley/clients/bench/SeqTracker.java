package io.parley.clients.bench;

import java.util.BitSet;

/**
 * What one connection saw of one room: every seq counted once. {@code duplicates} = seqs seen
 * again, {@code outOfOrder} = seqs that arrived below one already seen, and the seqs in {@code
 * [from, to]} never seen are the losses.
 */
public final class SeqTracker {
    private final BitSet seen = new BitSet();
    private long highest;
    private long duplicates;
    private long outOfOrder;
    private long received;

    public synchronized void accept(long seq) {
        received++;
        int i = Math.toIntExact(seq);
        if (seen.get(i)) {
            duplicates++;
            return;
        }
        seen.set(i);
        if (seq < highest) {
            outOfOrder++;
        }
        highest = Math.max(highest, seq);
    }

    /** Seqs in {@code [from, to]} never received. */
    public synchronized long missing(long from, long to) {
        if (to < from) {
            return 0;
        }
        int present = seen.get(Math.toIntExact(from), Math.toIntExact(to) + 1).cardinality();
        return (to - from + 1) - present;
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    public synchronized long outOfOrder() {
        return outOfOrder;
    }

    public synchronized long received() {
        return received;
    }
}

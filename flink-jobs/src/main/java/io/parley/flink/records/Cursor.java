package io.parley.flink.records;

import io.parley.schemas.events.ReceiptStatus;

/**
 * One member's high-water marks in a room. Invariant: {@code readSeq <= deliveredSeq} (read implies
 * delivered), and {@link #advance} never lowers either mark.
 */
public record Cursor(long deliveredSeq, long readSeq) {

    public static final Cursor ZERO = new Cursor(0, 0);

    /**
     * {@code delivered' = max(delivered, read', seq if delivered); read' = max(read, seq if read)}.
     */
    public Cursor advance(ReceiptStatus status, long seq) {
        long read = status == ReceiptStatus.READ ? Math.max(readSeq, seq) : readSeq;
        long delivered = Math.max(Math.max(deliveredSeq, read), seq);
        return new Cursor(delivered, read);
    }

    /** The element-wise maximum: merging two views of the same member never loses progress. */
    public Cursor merge(Cursor other) {
        long read = Math.max(readSeq, other.readSeq);
        return new Cursor(Math.max(Math.max(deliveredSeq, other.deliveredSeq), read), read);
    }

    public long seq(ReceiptStatus status) {
        return status == ReceiptStatus.READ ? readSeq : deliveredSeq;
    }
}

package io.parley.schemas.events;

/**
 * A tick for senders, emitted by the receipts job to {@code events/receipt-updates}. In a direct
 * room {@code userId} is the peer whose cursor moved; in a group it is null and the counts say how
 * many members have delivered/read up to {@code seq}.
 *
 * <p>With {@code readState} it is not a tick but the reader's own read cursor ({@code userId},
 * {@code seq}) for the reader's other devices (PROTOCOL.md section 5, {@code read_state}); the
 * counts are then 0.
 */
public record ReceiptUpdate(
        String roomId,
        long seq,
        ReceiptStatus status,
        String userId,
        long deliveredCount,
        long readCount,
        long memberCount,
        boolean readState) {

    /** A tick for senders. */
    public ReceiptUpdate(
            String roomId,
            long seq,
            ReceiptStatus status,
            String userId,
            long deliveredCount,
            long readCount,
            long memberCount) {
        this(roomId, seq, status, userId, deliveredCount, readCount, memberCount, false);
    }

    /** The read cursor of {@code userId} in the room, for all of their devices. */
    public static ReceiptUpdate readStateOf(String roomId, String userId, long readSeq) {
        return new ReceiptUpdate(roomId, readSeq, ReceiptStatus.READ, userId, 0, 0, 0, true);
    }
}

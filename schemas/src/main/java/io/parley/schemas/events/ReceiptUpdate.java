package io.parley.schemas.events;

/**
 * A tick for senders, emitted by the receipts job to {@code events/receipt-updates}. In a direct
 * room {@code userId} is the peer whose cursor moved; in a group it is null and the counts say how
 * many members have delivered/read up to {@code seq}.
 */
public record ReceiptUpdate(
        String roomId,
        long seq,
        ReceiptStatus status,
        String userId,
        long deliveredCount,
        long readCount,
        long memberCount) {}

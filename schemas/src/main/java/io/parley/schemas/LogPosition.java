package io.parley.schemas;

/**
 * A position in a log topic as a string that sorts like the log: {@code ledger:entry:batch},
 * zero-padded. Versions the Redis caches of the user log, so that whichever writer comes second
 * (the edge after its append, or the persistence job replaying) never puts an older value over a
 * newer one. Non-partitioned topics only (one ledger sequence).
 */
public final class LogPosition {
    private LogPosition() {}

    /** {@code batchIndex} is -1 for a message published outside a batch. */
    public static String of(long ledgerId, long entryId, int batchIndex) {
        return String.format("%019d:%019d:%010d", ledgerId, entryId, batchIndex + 1);
    }
}

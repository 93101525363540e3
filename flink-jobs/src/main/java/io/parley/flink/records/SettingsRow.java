package io.parley.flink.records;

/**
 * A user's whole privacy settings ({@code privacy_set}): their {@code user_settings} row and their
 * {@code privacy:<user>} cache.
 *
 * @param position the log position of the entry: the version of the cache
 */
public record SettingsRow(
        String userId,
        String onlineVisibility,
        String lastSeenVisibility,
        boolean readReceipts,
        String groupAdds,
        String position,
        long writeTs)
        implements UserWrite {}

package io.parley.flink.functions;

import io.parley.flink.records.SettingsRow;
import io.parley.flink.sinks.RedisCommand;
import io.parley.schemas.RedisKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * The live path's {@code privacy:<user>} hash as a projection of a {@code privacy_set}: {@code EVAL
 * VERSIONED_HSET_SCRIPT 1 privacy:<user> <log position> online <v> last_seen <v> read_receipts
 * true|false group_adds <v>} (the fields the edge reads; a null setting is left out). The version
 * is the entry's log position, as the edge writes it after its own append, so whichever of the two
 * comes second, and any replay, never puts older settings over newer ones.
 */
public final class PrivacyCacheCommands {
    private PrivacyCacheCommands() {}

    public static List<RedisCommand> of(SettingsRow settings) {
        List<String> args = new ArrayList<>();
        args.add(settings.position());
        field(args, "online", settings.onlineVisibility());
        field(args, "last_seen", settings.lastSeenVisibility());
        field(args, "read_receipts", Boolean.toString(settings.readReceipts()));
        field(args, "group_adds", settings.groupAdds());
        return List.of(
                RedisCommand.eval(
                        RedisKeys.VERSIONED_HSET_SCRIPT,
                        List.of(RedisKeys.privacy(settings.userId())),
                        args));
    }

    private static void field(List<String> args, String name, String value) {
        if (value != null) {
            args.add(name);
            args.add(value);
        }
    }
}

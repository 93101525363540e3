package io.parley.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.flink.records.SettingsRow;
import io.parley.flink.sinks.RedisCommand;
import io.parley.schemas.LogPosition;
import io.parley.schemas.RedisKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrivacyCacheCommandsTest {
    private static final String POSITION = LogPosition.of(12, 34, 0);

    @Test
    void shouldSetTheFieldsTheEdgeReadsVersionedByTheEntrysLogPosition() {
        SettingsRow settings =
                new SettingsRow("bob", "contacts", "nobody", false, "everyone", POSITION, 1);

        assertThat(PrivacyCacheCommands.of(settings))
                .containsExactly(
                        RedisCommand.eval(
                                RedisKeys.VERSIONED_HSET_SCRIPT,
                                List.of("privacy:bob"),
                                List.of(
                                        POSITION,
                                        "online",
                                        "contacts",
                                        "last_seen",
                                        "nobody",
                                        "read_receipts",
                                        "false",
                                        "group_adds",
                                        "everyone")));
    }

    @Test
    void shouldLeaveOutASettingTheEntryDoesNotHave() {
        SettingsRow settings =
                new SettingsRow("bob", "everyone", "everyone", true, null, POSITION, 1);

        assertThat(((RedisCommand.Eval) PrivacyCacheCommands.of(settings).get(0)).args())
                .containsExactly(
                        POSITION,
                        "online",
                        "everyone",
                        "last_seen",
                        "everyone",
                        "read_receipts",
                        "true");
    }
}

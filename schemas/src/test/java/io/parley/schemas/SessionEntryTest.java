package io.parley.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SessionEntryTest {
    private static final long NOW = 1_000;

    @Test
    void shouldRoundTripAndReadAnEntryWrittenBeforeStatuses() {
        SessionEntry away = new SessionEntry("gw1", 2_000, SessionEntry.AWAY);

        assertThat(SessionEntry.decode(away.encode())).isEqualTo(away);
        assertThat(SessionEntry.decode("gw1|2000"))
                .isEqualTo(new SessionEntry("gw1", 2_000, SessionEntry.ONLINE));
    }

    @Test
    void shouldBeOnlineWhileAnyLiveDeviceIsAwayWhenAllAreAndOfflineWithNone() {
        SessionEntry online = new SessionEntry("gw1", 2_000, SessionEntry.ONLINE);
        SessionEntry away = new SessionEntry("gw2", 2_000, SessionEntry.AWAY);
        SessionEntry staleOnline = new SessionEntry("gw3", 500, SessionEntry.ONLINE);

        assertThat(SessionEntry.aggregate(List.of(away, online), NOW)).isEqualTo("online");
        assertThat(SessionEntry.aggregate(List.of(away, staleOnline), NOW)).isEqualTo("away");
        assertThat(SessionEntry.aggregate(List.of(staleOnline), NOW)).isNull();
    }
}

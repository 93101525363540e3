package io.parley.edge.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.frames.ClientCommand;
import io.parley.schemas.topics.Topics;
import org.junit.jupiter.api.Test;

class ToDeviceIdTest {
    private static final ClientCommand.ToDeviceTarget BOB_PHONE =
            new ClientCommand.ToDeviceTarget("bob", "phone", "AAEC");

    @Test
    void shouldGiveARetriedFrameTheSameIdsAndEveryTargetItsOwn() {
        String id = ToDeviceService.idOf("alice", "laptop", "c1", 0, BOB_PHONE);

        assertThat(ToDeviceService.idOf("alice", "laptop", "c1", 0, BOB_PHONE)).isEqualTo(id);
        assertThat(Topics.ID.matcher(id).matches()).as("a valid id: " + id).isTrue();
        assertThat(ToDeviceService.idOf("alice", "laptop", "c1", 1, BOB_PHONE))
                .as("a second message to the same device in one frame")
                .isNotEqualTo(id);
        assertThat(ToDeviceService.idOf("alice", "laptop", "c2", 0, BOB_PHONE)).isNotEqualTo(id);
        assertThat(ToDeviceService.idOf("alice", "phone", "c1", 0, BOB_PHONE)).isNotEqualTo(id);
        assertThat(
                        ToDeviceService.idOf(
                                "alice",
                                "laptop",
                                "c1",
                                0,
                                new ClientCommand.ToDeviceTarget("bob", "tablet", "AAEC")))
                .isNotEqualTo(id);
    }
}

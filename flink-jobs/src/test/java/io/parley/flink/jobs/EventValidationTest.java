package io.parley.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.events.ReceiptEvent;
import io.parley.schemas.events.ReceiptStatus;
import io.parley.schemas.events.SequencedMessage;
import org.junit.jupiter.api.Test;

class EventValidationTest {

    @Test
    void shouldRejectMessagesWithoutTheStoreKey() {
        assertThat(PersistenceJob.rowOf(msg("r", 1))).isNotNull();
        assertThat(PersistenceJob.rowOf(msg(null, 1))).isNull();
        assertThat(PersistenceJob.rowOf(msg("", 1))).isNull();
        assertThat(PersistenceJob.rowOf(msg("r", 0))).isNull();
    }

    @Test
    void shouldRejectReceiptsMissingRoomUserStatusOrSeq() {
        assertThat(ReceiptsJob.validOrNull(receipt("r", "u", ReceiptStatus.READ, 3))).isNotNull();
        assertThat(ReceiptsJob.validOrNull(receipt(null, "u", ReceiptStatus.READ, 3))).isNull();
        assertThat(ReceiptsJob.validOrNull(receipt("r", null, ReceiptStatus.READ, 3))).isNull();
        assertThat(ReceiptsJob.validOrNull(receipt("r", "u", null, 3))).isNull();
        assertThat(ReceiptsJob.validOrNull(receipt("r", "u", ReceiptStatus.DELIVERED, 0))).isNull();
    }

    private static SequencedMessage msg(String room, long seq) {
        return new SequencedMessage(room, seq, "m", "a", "d", "g", "c", "b", null, null, 1, 1, 1);
    }

    private static ReceiptEvent receipt(String room, String user, ReceiptStatus status, long seq) {
        return new ReceiptEvent(room, user, "d", seq, status, 1);
    }
}

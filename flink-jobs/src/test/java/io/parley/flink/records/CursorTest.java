package io.parley.flink.records;

import static io.parley.schemas.events.ReceiptStatus.DELIVERED;
import static io.parley.schemas.events.ReceiptStatus.READ;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CursorTest {

    @Test
    void shouldNeverMoveBackwards() {
        Cursor cursor = Cursor.ZERO.advance(DELIVERED, 10).advance(READ, 7);

        assertThat(cursor.advance(DELIVERED, 3)).isEqualTo(new Cursor(10, 7));
        assertThat(cursor.advance(READ, 5)).isEqualTo(new Cursor(10, 7));
    }

    @Test
    void shouldTreatReadAsDelivered() {
        assertThat(Cursor.ZERO.advance(READ, 4)).isEqualTo(new Cursor(4, 4));
        assertThat(new Cursor(9, 2).advance(READ, 12)).isEqualTo(new Cursor(12, 12));
    }

    @Test
    void shouldMergeToTheElementWiseMaximum() {
        assertThat(new Cursor(10, 2).merge(new Cursor(5, 7))).isEqualTo(new Cursor(10, 7));
        assertThat(new Cursor(3, 1).merge(new Cursor(0, 6))).isEqualTo(new Cursor(6, 6));
    }
}

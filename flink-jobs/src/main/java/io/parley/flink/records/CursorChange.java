package io.parley.flink.records;

import io.parley.schemas.events.ReceiptStatus;

/**
 * A member's cursor after it moved: the new marks and which of them moved. One row of {@code
 * room_cursors} and the input of the per-room aggregation.
 */
public record CursorChange(
        String roomId,
        String userId,
        long deliveredSeq,
        long readSeq,
        boolean deliveredMoved,
        boolean readMoved,
        long ts) {

    public Cursor cursor() {
        return new Cursor(deliveredSeq, readSeq);
    }

    public boolean moved(ReceiptStatus status) {
        return status == ReceiptStatus.READ ? readMoved : deliveredMoved;
    }
}

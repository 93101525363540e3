package io.parley.flink.rooms;

import io.parley.flink.records.Cursor;
import io.parley.flink.records.RoomKind;
import java.io.Serializable;
import java.util.Map;

/**
 * What the receipts job needs to know about rooms beyond the receipt stream: the room's kind, its
 * member count, and the stored cursors (to seed keyed state that was lost or never existed, so a
 * cursor never moves backwards across a replay or a fresh start).
 */
public interface RoomDirectory extends AutoCloseable {

    RoomKind kind(String roomId);

    long memberCount(String roomId);

    /** The stored cursor of one member, {@link Cursor#ZERO} when there is none. */
    Cursor cursor(String roomId, String userId);

    /** Every stored cursor of a room, by user id. */
    Map<String, Cursor> cursors(String roomId);

    /**
     * Whether the user lets others see that they read (the {@code read_receipts} privacy setting,
     * true when never set).
     */
    boolean sharesReads(String userId);

    @Override
    void close();

    /**
     * Opens a directory inside a task: the factory travels with the job graph, the connection does
     * not.
     */
    interface Factory extends Serializable {
        RoomDirectory open();
    }
}

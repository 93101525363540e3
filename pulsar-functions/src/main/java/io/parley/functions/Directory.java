package io.parley.functions;

import io.parley.schemas.SessionEntry;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.RoomInfo;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/** Who is in a room and where their devices are connected (Redis in production). */
public interface Directory {
    Set<String> members(String roomId);

    Set<String> roomsOf(String userId);

    /** Per user, device id -> route, for every user asked (absent or empty when none). */
    Map<String, Map<String, SessionEntry>> sessions(Collection<String> userIds);

    /**
     * Brings the live path's membership cache up to an event of the room's log ({@code
     * members:<room>}, {@code urooms:<user>}, {@code roominfo:<room>}), before it is routed, so
     * every gateway sees the change once its call has answered. Idempotent: a redelivered event
     * leaves the same keys.
     */
    void apply(String roomId, long seq, RoomEvent event, RoomInfo room);

    /**
     * Records that a user has sent a message in a room (their consent to its peers as contacts).
     */
    void spoke(String userId, String roomId);

    /** Raises the room's last seq to {@code seq} if it is higher. */
    void raiseLastSeq(String roomId, long seq);

    /** {@link #raiseLastSeq} then {@link #members}: one round trip where the store allows it. */
    default Set<String> raiseLastSeqAndGetMembers(String roomId, long seq) {
        return raiseLastSeqAndGetMembers(roomId, seq, null);
    }

    /** The same, also recording that {@code speaker} (if not null) spoke in the room. */
    default Set<String> raiseLastSeqAndGetMembers(String roomId, long seq, String speaker) {
        raiseLastSeq(roomId, seq);
        if (speaker != null) {
            spoke(speaker, roomId);
        }
        return members(roomId);
    }
}

package io.parley.functions;

import io.parley.schemas.SessionEntry;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/** Who is in a room and where their devices are connected (Redis in production). */
public interface Directory {
    Set<String> members(String roomId);

    Set<String> roomsOf(String userId);

    /** Per user, device id -> route, for every user asked (absent or empty when none). */
    Map<String, Map<String, SessionEntry>> sessions(Collection<String> userIds);

    /** Raises the room's last seq to {@code seq} if it is higher. */
    void raiseLastSeq(String roomId, long seq);

    /** {@link #raiseLastSeq} then {@link #members}: one round trip where the store allows it. */
    default Set<String> raiseLastSeqAndGetMembers(String roomId, long seq) {
        raiseLastSeq(roomId, seq);
        return members(roomId);
    }
}

package io.parley.edge.query;

import io.parley.edge.rooms.RoomService;
import io.parley.edge.store.ArchivedEntry;
import io.parley.edge.store.MessageStore;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import io.parley.schemas.frames.ServerFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/history}: pages of a room's log, newest first, for members only, showing current
 * state (PROTOCOL.md section 4). A page spans at most {@code limit} entries; edits, deletions and
 * reactions are folded into their target by the persistence job, so their own entries take room in
 * a page but are not listed. {@code before_seq} is clamped to the room's last seq + 1.
 */
public final class HistoryService {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private final RoomService rooms;
    private final MessageStore store;

    public HistoryService(RoomService rooms, MessageStore store) {
        this.rooms = rooms;
        this.store = store;
    }

    public record Page(
            List<ServerFrame.Message> messages,
            List<ServerFrame.Event> events,
            Long nextBeforeSeq) {}

    public Page page(String userId, String roomId, Long beforeSeq, Integer limit) {
        int n = limit == null ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "limit must be 1-" + MAX_LIMIT);
        }
        if (beforeSeq != null && beforeSeq < 1) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "before_seq must be positive");
        }
        rooms.requireMember(roomId, userId);
        // the newest page starts just above the room's newest seq (raised by FanOut as it routes)
        long top = rooms.lastSeq(roomId) + 1;
        long before = beforeSeq == null ? top : Math.min(beforeSeq, top);
        List<ArchivedEntry> found = store.before(roomId, before, n);
        List<ServerFrame.Message> messages = new ArrayList<>();
        List<ServerFrame.Event> events = new ArrayList<>();
        for (ArchivedEntry a : found) {
            if (a.entry().isMessage()) {
                messages.add(a.currentMessage());
            } else if (!a.entry().event().targetsMessage()) {
                events.add(ServerFrame.Event.of(a.entry(), null));
            }
        }
        // seqs are dense from 1: anything below the page's lowest seq is still to come
        long lowest = found.isEmpty() ? 1 : found.get(found.size() - 1).entry().seq();
        Long next = lowest > 1 ? lowest : null;
        return new Page(messages, events, next);
    }
}

package io.parley.edge.query;

import io.parley.edge.rooms.RoomService;
import io.parley.edge.store.MessageStore;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import io.parley.schemas.frames.ServerFrame;
import java.util.List;

/** {@code GET /v1/history}: pages of a room's archive, newest first, for members only. */
public final class HistoryService {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private final RoomService rooms;
    private final MessageStore store;

    public HistoryService(RoomService rooms, MessageStore store) {
        this.rooms = rooms;
        this.store = store;
    }

    public record Page(List<ServerFrame.Message> messages, Long nextBeforeSeq) {}

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
        long before = beforeSeq != null ? beforeSeq : rooms.lastSeq(roomId) + 1;
        List<SequencedMessage> found = store.before(roomId, before, n);
        List<ServerFrame.Message> messages = found.stream().map(ServerFrame.Message::of).toList();
        Long next =
                found.size() == n && found.get(found.size() - 1).seq() > 1
                        ? found.get(found.size() - 1).seq()
                        : null;
        return new Page(messages, next);
    }
}

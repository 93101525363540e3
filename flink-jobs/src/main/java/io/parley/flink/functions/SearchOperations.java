package io.parley.flink.functions;

import io.parley.flink.records.MessageRow;
import io.parley.flink.records.SearchOp;
import io.parley.schemas.Json;
import io.parley.schemas.events.RoomEvent;
import java.util.Optional;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The search index operation of one log entry, if any: a message -> index it ({@code room_id:seq});
 * {@code message_edited} -> update the target's body ({@code room_id:target_seq}); {@code
 * message_deleted} -> delete the target's document. Other events are not searchable.
 *
 * <p>Applied in log order per doc id this yields the latest body and never a deleted message
 * (PROTOCOL.md section 4), which is why the job feeds it one room's entries in order. An edit
 * without a body changes nothing searchable, and ciphertext (a message or an edit of an encrypted
 * room, PROTOCOL.md section 6) is never indexed.
 */
public class SearchOperations implements FlatMapFunction<MessageRow, SearchOp> {
    private static final long serialVersionUID = 1L;

    public static Optional<SearchOp> of(MessageRow entry) {
        if (Boolean.TRUE.equals(entry.ciphertext())) {
            return Optional.empty();
        }
        if (entry.event() == null) {
            return Optional.of(SearchOp.index(entry));
        }
        RoomEvent event = Json.read(entry.event(), RoomEvent.class);
        if (event.targetSeq() == null || event.targetSeq() <= 0) {
            return Optional.empty();
        }
        if (RoomEvent.MESSAGE_EDITED.equals(event.kind()) && event.body() != null) {
            return Optional.of(SearchOp.update(entry.roomId(), event.targetSeq(), event.body()));
        }
        if (RoomEvent.MESSAGE_DELETED.equals(event.kind())) {
            return Optional.of(SearchOp.delete(entry.roomId(), event.targetSeq()));
        }
        return Optional.empty();
    }

    @Override
    public void flatMap(MessageRow entry, Collector<SearchOp> out) {
        of(entry).ifPresent(out::collect);
    }
}

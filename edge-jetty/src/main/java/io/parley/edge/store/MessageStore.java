package io.parley.edge.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.type.TypeReference;
import io.parley.schemas.Json;
import io.parley.schemas.events.MediaRef;
import io.parley.schemas.events.SequencedMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the message archive {@code messages_by_room ((room_id, bucket), seq DESC)} written by the
 * persistence job; a bucket holds seqs {@code [1000 b, 1000 b + 999]}.
 */
public final class MessageStore {
    private static final String COLUMNS =
            "seq, msg_id, sender_id, client_msg_id, body, media, reply_to_seq, ts";
    private final CqlSession cql;
    private final PreparedStatement ascending;
    private final PreparedStatement descending;

    public MessageStore(CqlSession cql) {
        this.cql = cql;
        this.ascending =
                cql.prepare(
                        "SELECT "
                                + COLUMNS
                                + " FROM parley.messages_by_room WHERE room_id = ? AND bucket = ?"
                                + " AND seq >= ? AND seq <= ? ORDER BY seq ASC LIMIT ?");
        this.descending =
                cql.prepare(
                        "SELECT "
                                + COLUMNS
                                + " FROM parley.messages_by_room WHERE room_id = ? AND bucket = ?"
                                + " AND seq < ? ORDER BY seq DESC LIMIT ?");
    }

    /** Messages with {@code from <= seq <= to}, ascending, at most {@code limit}. */
    public List<SequencedMessage> range(String roomId, long from, long to, int limit) {
        List<SequencedMessage> out = new ArrayList<>();
        for (long b = SequencedMessage.bucketOf(from);
                b <= SequencedMessage.bucketOf(to) && out.size() < limit;
                b++) {
            for (Row row : cql.execute(ascending.bind(roomId, b, from, to, limit - out.size()))) {
                out.add(toMessage(roomId, row));
            }
        }
        return out;
    }

    /** The newest messages with {@code seq < beforeSeq}, descending, at most {@code limit}. */
    public List<SequencedMessage> before(String roomId, long beforeSeq, int limit) {
        List<SequencedMessage> out = new ArrayList<>();
        for (long b = SequencedMessage.bucketOf(beforeSeq - 1); b >= 0 && out.size() < limit; b--) {
            for (Row row : cql.execute(descending.bind(roomId, b, beforeSeq, limit - out.size()))) {
                out.add(toMessage(roomId, row));
            }
        }
        return out;
    }

    private static SequencedMessage toMessage(String roomId, Row row) {
        long ts = row.getLong("ts");
        long replyTo = row.getLong("reply_to_seq");
        return new SequencedMessage(
                roomId,
                row.getLong("seq"),
                row.getString("msg_id"),
                row.getString("sender_id"),
                null,
                null,
                row.getString("client_msg_id"),
                row.getString("body"),
                media(row.getString("media")),
                row.isNull("reply_to_seq") || replyTo == 0 ? null : replyTo,
                ts,
                ts,
                ts);
    }

    private static List<MediaRef> media(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, new TypeReference<List<MediaRef>>() {});
        } catch (IOException e) {
            return null;
        }
    }
}

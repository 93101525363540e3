package io.parley.edge.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.type.TypeReference;
import io.parley.schemas.Json;
import io.parley.schemas.events.MediaRef;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.frames.ServerFrame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the archive {@code messages_by_room ((room_id, bucket), seq DESC)} written by the
 * persistence job: one row per entry of a room's log (messages and events); a bucket holds seqs
 * {@code [1000 b, 1000 b + 999]}. Callers clamp seqs to the room's last seq, and a page reads at
 * most {@value #MAX_BUCKETS_PER_PAGE} buckets, so a page costs a bounded number of queries whatever
 * its parameters.
 */
public final class MessageStore {
    private static final String COLUMNS =
            "seq, msg_id, sender_id, client_msg_id, body, media, reply_to_seq, ts, event,"
                    + " edited_ts, deleted, reactions, ciphertext";

    /** Buckets one page may read: seqs are dense, so a page of at most 1000 spans at most two. */
    static final int MAX_BUCKETS_PER_PAGE = 3;

    private final CqlSession cql;
    private final PreparedStatement ascending;
    private final PreparedStatement descending;
    private final PreparedStatement selectDeleted;

    public MessageStore(CqlSession cql) {
        this.cql = cql;
        this.ascending =
                cql.prepare(
                        "SELECT "
                                + COLUMNS
                                + " FROM parley.messages_by_room WHERE room_id = ? AND bucket = ?"
                                + " AND seq >= ? AND seq <= ? ORDER BY seq ASC LIMIT ?");
        this.selectDeleted =
                cql.prepare(
                        "SELECT deleted FROM parley.messages_by_room WHERE room_id = ? AND bucket = ?"
                                + " AND seq = ?");
        this.descending =
                cql.prepare(
                        "SELECT "
                                + COLUMNS
                                + " FROM parley.messages_by_room WHERE room_id = ? AND bucket = ?"
                                + " AND seq < ? ORDER BY seq DESC LIMIT ?");
    }

    /**
     * Entries with {@code from <= seq <= to}, ascending, at most {@code limit}: catch-up. An edit
     * of a message deleted since is replayed without its body: a deletion is final.
     */
    public List<SequencedMessage> range(String roomId, long from, long to, int limit) {
        List<ArchivedEntry> rows = new ArrayList<>();
        long last = Math.min(bucketOf(to), bucketOf(from) + MAX_BUCKETS_PER_PAGE - 1);
        for (long b = bucketOf(from); b <= last && rows.size() < limit; b++) {
            for (Row row : cql.execute(ascending.bind(roomId, b, from, to, limit - rows.size()))) {
                rows.add(toEntry(roomId, row));
            }
        }
        Map<Long, Boolean> deleted = new HashMap<>();
        rows.forEach(r -> deleted.put(r.entry().seq(), r.deleted()));
        List<SequencedMessage> out = new ArrayList<>(rows.size());
        for (ArchivedEntry r : rows) {
            SequencedMessage e = r.entry();
            RoomEvent event = e.event();
            if (event != null
                    && RoomEvent.MESSAGE_EDITED.equals(event.kind())
                    && deleted.computeIfAbsent(event.targetSeq(), seq -> isDeleted(roomId, seq))) {
                e = e.withEvent(RoomEvent.edited(event.targetSeq(), null));
            }
            out.add(e);
        }
        return out;
    }

    private boolean isDeleted(String roomId, long seq) {
        Row row = cql.execute(selectDeleted.bind(roomId, bucketOf(seq), seq)).one();
        return row != null && !row.isNull("deleted") && row.getBoolean("deleted");
    }

    /** The newest entries with {@code seq < beforeSeq}, descending, at most {@code limit}. */
    public List<ArchivedEntry> before(String roomId, long beforeSeq, int limit) {
        List<ArchivedEntry> out = new ArrayList<>();
        long first = SequencedMessage.bucketOf(beforeSeq - 1);
        for (long b = first;
                b >= 0 && b > first - MAX_BUCKETS_PER_PAGE && out.size() < limit;
                b--) {
            for (Row row : cql.execute(descending.bind(roomId, b, beforeSeq, limit - out.size()))) {
                out.add(toEntry(roomId, row));
            }
        }
        return out;
    }

    private static long bucketOf(long seq) {
        return SequencedMessage.bucketOf(seq);
    }

    private static ArchivedEntry toEntry(String roomId, Row row) {
        long ts = row.getLong("ts");
        long replyTo = row.getLong("reply_to_seq");
        String eventJson = row.getString("event");
        RoomEvent event = eventJson == null ? null : Json.read(eventJson, RoomEvent.class);
        boolean deleted = !row.isNull("deleted") && row.getBoolean("deleted");
        SequencedMessage entry =
                new SequencedMessage(
                        roomId,
                        row.getLong("seq"),
                        row.getString("msg_id"),
                        row.getString("sender_id"),
                        null,
                        null,
                        row.getString("client_msg_id"),
                        event == null ? row.getString("body") : null,
                        deleted ? null : media(row.getString("media")),
                        row.isNull("reply_to_seq") || replyTo == 0 ? null : replyTo,
                        ts,
                        ts,
                        ts,
                        event,
                        null,
                        !row.isNull("ciphertext") && row.getBoolean("ciphertext"));
        Long edited = row.isNull("edited_ts") ? null : row.getLong("edited_ts");
        return new ArchivedEntry(
                entry,
                row.getString("body"),
                edited,
                deleted,
                reactions(row.getMap("reactions", String.class, Boolean.class)));
    }

    /** {@code reactions} holds {@code emoji + "\n" + user -> active}: the active ones by emoji. */
    static List<ServerFrame.Reaction> reactions(Map<String, Boolean> raw) {
        if (raw == null || raw.isEmpty()) {
            return List.of();
        }
        Map<String, List<String>> byEmoji = new TreeMap<>();
        raw.forEach(
                (key, active) -> {
                    int cut = key.lastIndexOf('\n');
                    if (Boolean.TRUE.equals(active) && cut > 0) {
                        byEmoji.computeIfAbsent(key.substring(0, cut), e -> new ArrayList<>())
                                .add(key.substring(cut + 1));
                    }
                });
        List<ServerFrame.Reaction> out = new ArrayList<>();
        byEmoji.forEach((emoji, users) -> out.add(new ServerFrame.Reaction(emoji, users)));
        return out;
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

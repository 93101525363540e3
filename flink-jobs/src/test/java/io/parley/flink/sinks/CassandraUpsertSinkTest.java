package io.parley.flink.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.parley.flink.records.DeviceRemoval;
import io.parley.flink.records.DeviceRow;
import io.parley.flink.records.MediaRow;
import io.parley.flink.records.MemberRemoval;
import io.parley.flink.records.MemberRow;
import io.parley.flink.records.MessageDeletion;
import io.parley.flink.records.MessageEdit;
import io.parley.flink.records.MessageRow;
import io.parley.flink.records.ReactionChange;
import io.parley.flink.records.RoleChange;
import io.parley.flink.records.RoomRename;
import io.parley.flink.records.RoomRow;
import io.parley.flink.records.SettingsRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each projection sink binds its record's values to the right markers of its statement, the write
 * timestamp being the entry's seq: the markers are named from the CQL text ({@code [timestamp]} for
 * {@code USING TIMESTAMP ?}, {@code col[key]} for a map key), then zipped with the values.
 */
class CassandraUpsertSinkTest {
    private static final String HOST = "127.0.0.1";
    private static final int PORT = 9042;

    @Test
    void shouldWriteAnEntrysRowAtItsSeq() {
        MessageRow row =
                new MessageRow(
                        "r1", 1, 1001, "e1", "bob", "c1", null, null, null, 77, "{\"k\":1}", null);

        assertThat(bound(CassandraUpsertSink.messages(HOST, PORT), row))
                .containsOnly(
                        entry("room_id", "r1"),
                        entry("bucket", 1L),
                        entry("seq", 1001L),
                        entry("msg_id", "e1"),
                        entry("sender_id", "bob"),
                        entry("client_msg_id", "c1"),
                        entry("body", null),
                        entry("media", null),
                        entry("reply_to_seq", null),
                        entry("ts", 77L),
                        entry("event", "{\"k\":1}"),
                        entry("ciphertext", null),
                        entry("[timestamp]", 1001L));
    }

    @Test
    void shouldFoldEditsDeletionsAndReactionsIntoTheTargetRowAtTheirOwnSeq() {
        assertThat(
                        bound(
                                CassandraUpsertSink.edits(HOST, PORT),
                                new MessageEdit("r1", 0, 7, "new", 1234, 9)))
                .containsOnly(
                        entry("[timestamp]", 9L),
                        entry("body", "new"),
                        entry("edited_ts", 1234L),
                        entry("room_id", "r1"),
                        entry("bucket", 0L),
                        entry("seq", 7L));
        assertThat(
                        bound(
                                CassandraUpsertSink.deletions(HOST, PORT),
                                new MessageDeletion("r1", 0, 7, 10)))
                .containsOnly(
                        entry("[timestamp]", 10L),
                        entry("room_id", "r1"),
                        entry("bucket", 0L),
                        entry("seq", 7L));
        assertThat(
                        bound(
                                CassandraUpsertSink.reactions(HOST, PORT),
                                new ReactionChange("r1", 0, 7, "👍", "bob", false, 11)))
                .containsOnly(
                        entry("[timestamp]", 11L),
                        entry("reactions[key]", "👍\nbob"),
                        entry("reactions", false),
                        entry("room_id", "r1"),
                        entry("bucket", 0L),
                        entry("seq", 7L));
    }

    @Test
    void shouldWriteTheNullsOfADeletionThemselvesAsTheSinkLeavesBoundNullsUnset() {
        assertThat(CassandraUpsertSink.DELETE_MESSAGE)
                .contains("SET body = null, media = null, deleted = true");
    }

    @Test
    void shouldWriteRoomsAndMembershipsAtTheirEntrysSeq() {
        assertThat(
                        bound(
                                CassandraUpsertSink.rooms(HOST, PORT),
                                new RoomRow("r1", "group", "Team", true, "alice", 55, 1)))
                .containsOnly(
                        entry("room_id", "r1"),
                        entry("kind", "group"),
                        entry("name", "Team"),
                        entry("encrypted", true),
                        entry("created_by", "alice"),
                        entry("created_at", 55L),
                        entry("[timestamp]", 1L));
        assertThat(bound(CassandraUpsertSink.renames(HOST, PORT), new RoomRename("r1", "Core", 12)))
                .containsOnly(
                        entry("[timestamp]", 12L), entry("name", "Core"), entry("room_id", "r1"));

        MemberRow carol = new MemberRow("r1", "carol", "member", 13);
        assertThat(bound(CassandraUpsertSink.members(HOST, PORT), carol))
                .containsOnly(
                        entry("room_id", "r1"),
                        entry("user_id", "carol"),
                        entry("role", "member"),
                        entry("added_seq", 13L),
                        entry("[timestamp]", 13L));
        assertThat(bound(CassandraUpsertSink.userRooms(HOST, PORT), carol))
                .containsOnly(
                        entry("user_id", "carol"),
                        entry("room_id", "r1"),
                        entry("[timestamp]", 13L));

        MemberRemoval left = new MemberRemoval("r1", "carol", 14);
        assertThat(bound(CassandraUpsertSink.memberRemovals(HOST, PORT), left))
                .containsOnly(
                        entry("[timestamp]", 14L),
                        entry("room_id", "r1"),
                        entry("user_id", "carol"));
        assertThat(bound(CassandraUpsertSink.userRoomRemovals(HOST, PORT), left))
                .containsOnly(
                        entry("[timestamp]", 14L),
                        entry("user_id", "carol"),
                        entry("room_id", "r1"));

        assertThat(
                        bound(
                                CassandraUpsertSink.roleChanges(HOST, PORT),
                                new RoleChange("r1", "bob", "admin", 15)))
                .containsOnly(
                        entry("[timestamp]", 15L),
                        entry("role", "admin"),
                        entry("room_id", "r1"),
                        entry("user_id", "bob"));
    }

    @Test
    void shouldWriteTheUserProjectionsAtTheirWriteTimestamp() {
        assertThat(
                        bound(
                                CassandraUpsertSink.settings(HOST, PORT),
                                new SettingsRow(
                                        "bob", "contacts", "nobody", false, "everyone", "p", 21)))
                .containsOnly(
                        entry("user_id", "bob"),
                        entry("online_visibility", "contacts"),
                        entry("last_seen_visibility", "nobody"),
                        entry("read_receipts", false),
                        entry("group_adds", "everyone"),
                        entry("[timestamp]", 21L));
        assertThat(
                        bound(
                                CassandraUpsertSink.devices(HOST, PORT),
                                new DeviceRow("bob", "phone", "android", "t1", 5_000, 22)))
                .containsOnly(
                        entry("user_id", "bob"),
                        entry("device_id", "phone"),
                        entry("platform", "android"),
                        entry("push_token", "t1"),
                        entry("updated_at", 5_000L),
                        entry("[timestamp]", 22L));
        assertThat(
                        bound(
                                CassandraUpsertSink.deviceRemovals(HOST, PORT),
                                new DeviceRemoval("bob", "phone", 23)))
                .containsOnly(
                        entry("[timestamp]", 23L),
                        entry("user_id", "bob"),
                        entry("device_id", "phone"));
        assertThat(
                        bound(
                                CassandraUpsertSink.media(HOST, PORT),
                                new MediaRow(
                                        "md1", "r1", "alice", "image/png", 42, "ab", "k", 7, 24)))
                .containsOnly(
                        entry("media_id", "md1"),
                        entry("room_id", "r1"),
                        entry("uploader", "alice"),
                        entry("mime", "image/png"),
                        entry("size", 42L),
                        entry("sha256", "ab"),
                        entry("object_key", "k"),
                        entry("created_at", 7L),
                        entry("[timestamp]", 24L));
    }

    /** The sink's values for {@code record} by the marker they bind. */
    private static <T> Map<String, Object> bound(CassandraUpsertSink<T> sink, T record) {
        List<String> markers = markers(sink.cql());
        Object[] values = sink.extract(record);
        assertThat(values).as("one value per marker of " + sink.cql()).hasSize(markers.size());
        Map<String, Object> bound = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            assertThat(bound.put(markers.get(i), values[i])).isNull();
        }
        return bound;
    }

    private static final Pattern INSERT_COLUMNS = Pattern.compile("\\(([\\w, ]+)\\)\\s+VALUES");
    private static final Pattern MARKER =
            Pattern.compile("TIMESTAMP \\?|(\\w+)\\[\\?\\] = \\?|(\\w+) = \\?|\\?");

    private static List<String> markers(String cql) {
        Matcher insert = INSERT_COLUMNS.matcher(cql);
        List<String> columns = insert.find() ? List.of(insert.group(1).split(",\\s*")) : List.of();
        List<String> markers = new ArrayList<>();
        int value = 0;
        Matcher m = MARKER.matcher(cql);
        while (m.find()) {
            if (m.group().startsWith("TIMESTAMP")) {
                markers.add("[timestamp]");
            } else if (m.group(1) != null) {
                markers.add(m.group(1) + "[key]");
                markers.add(m.group(1));
            } else if (m.group(2) != null) {
                markers.add(m.group(2));
            } else {
                markers.add(columns.get(value++));
            }
        }
        return markers;
    }
}

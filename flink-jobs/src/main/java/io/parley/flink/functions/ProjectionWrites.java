package io.parley.flink.functions;

import static io.parley.schemas.events.SequencedMessage.bucketOf;

import io.parley.flink.records.MemberRemoval;
import io.parley.flink.records.MemberRow;
import io.parley.flink.records.MessageDeletion;
import io.parley.flink.records.MessageEdit;
import io.parley.flink.records.MessageRow;
import io.parley.flink.records.ProjectionWrite;
import io.parley.flink.records.ReactionChange;
import io.parley.flink.records.RoleChange;
import io.parley.flink.records.RoomRename;
import io.parley.flink.records.RoomRow;
import io.parley.schemas.Json;
import io.parley.schemas.events.RoomEvent;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cassandra writes of one log entry (PROTOCOL.md section 4: every store is a projection of the
 * room logs):
 *
 * <ul>
 *   <li>every entry: its own {@code messages_by_room} row (events too: live catch-up replays them);
 *   <li>{@code message_edited}, {@code message_deleted}, {@code reaction}: also an update of the
 *       target's row;
 *   <li>{@code room_created}: the {@code rooms} row and one member per initial member; {@code
 *       member_added}, {@code member_removed}, {@code role_changed}, {@code room_renamed}: the
 *       member or room change.
 * </ul>
 *
 * <p>No state and no order: each write carries its entry's seq as write timestamp ({@link
 * ProjectionWrite}), and the Sequencer has already checked the room's rules, so writes just apply.
 * An event without the fields its kind needs (or of a kind this job does not know) keeps its own
 * row and projects nothing else: a write with a null key would fail the sink forever.
 */
public final class ProjectionWrites {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionWrites.class);

    private ProjectionWrites() {}

    public static List<ProjectionWrite> of(MessageRow entry) {
        List<ProjectionWrite> writes = new ArrayList<>();
        writes.add(entry);
        if (entry.event() != null
                && !project(entry, Json.read(entry.event(), RoomEvent.class), writes)) {
            LOG.warn(
                    "entry {}: incomplete event {}, projected what it has",
                    entry.docId(),
                    entry.event());
        }
        return writes;
    }

    /** Adds the event's writes beyond its row; false if it lacks fields its kind needs. */
    private static boolean project(MessageRow entry, RoomEvent e, List<ProjectionWrite> writes) {
        String room = entry.roomId();
        long seq = entry.seq();
        switch (e.kind() == null ? "" : e.kind()) {
            case RoomEvent.ROOM_CREATED -> {
                writes.add(
                        new RoomRow(
                                room,
                                e.roomKind(),
                                e.name(),
                                e.encrypted(),
                                entry.senderId(),
                                entry.ts(),
                                seq));
                List<RoomEvent.Member> members = e.members() == null ? List.of() : e.members();
                boolean complete = !members.isEmpty();
                for (RoomEvent.Member m : members) {
                    if (m != null && present(m.userId())) {
                        writes.add(new MemberRow(room, m.userId(), m.role(), seq));
                    } else {
                        complete = false;
                    }
                }
                return complete;
            }
            case RoomEvent.MEMBER_ADDED -> {
                if (!present(e.userId())) {
                    return false;
                }
                writes.add(new MemberRow(room, e.userId(), e.role(), seq));
            }
            case RoomEvent.MEMBER_REMOVED -> {
                if (!present(e.userId())) {
                    return false;
                }
                writes.add(new MemberRemoval(room, e.userId(), seq));
            }
            case RoomEvent.ROLE_CHANGED -> {
                if (!present(e.userId()) || e.role() == null) {
                    return false;
                }
                writes.add(new RoleChange(room, e.userId(), e.role(), seq));
            }
            case RoomEvent.ROOM_RENAMED -> {
                if (e.name() == null) {
                    return false;
                }
                writes.add(new RoomRename(room, e.name(), seq));
            }
            case RoomEvent.MESSAGE_EDITED -> {
                if (!targetsAMessage(e)) {
                    return false;
                }
                long target = e.targetSeq();
                writes.add(
                        new MessageEdit(room, bucketOf(target), target, e.body(), entry.ts(), seq));
            }
            case RoomEvent.MESSAGE_DELETED -> {
                if (!targetsAMessage(e)) {
                    return false;
                }
                long target = e.targetSeq();
                writes.add(new MessageDeletion(room, bucketOf(target), target, seq));
            }
            case RoomEvent.REACTION -> {
                // the reacting user is the actor
                String user = entry.senderId();
                if (!targetsAMessage(e)
                        || !present(e.emoji())
                        || e.active() == null
                        || !present(user)) {
                    return false;
                }
                long target = e.targetSeq();
                writes.add(
                        new ReactionChange(
                                room, bucketOf(target), target, e.emoji(), user, e.active(), seq));
            }
            default -> {
                // a kind this job does not project (yet): its row is all there is
            }
        }
        return true;
    }

    private static boolean targetsAMessage(RoomEvent e) {
        return e.targetSeq() != null && e.targetSeq() > 0;
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }
}

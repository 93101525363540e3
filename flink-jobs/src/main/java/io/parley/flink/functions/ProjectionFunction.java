package io.parley.flink.functions;

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
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Routes the {@link ProjectionWrites} of each log entry by type: the entry rows ({@link
 * MessageRow}) to the main output, every other write type to its side output, so each type has a
 * sink with its own CQL statement. Stateless; any order of the outputs is fine (see {@link
 * ProjectionWrite}).
 */
public class ProjectionFunction extends ProcessFunction<MessageRow, MessageRow> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<MessageEdit> EDITS = tag("message-edits", MessageEdit.class);
    public static final OutputTag<MessageDeletion> DELETIONS =
            tag("message-deletions", MessageDeletion.class);
    public static final OutputTag<ReactionChange> REACTIONS =
            tag("reactions", ReactionChange.class);
    public static final OutputTag<RoomRow> ROOMS = tag("rooms", RoomRow.class);
    public static final OutputTag<RoomRename> RENAMES = tag("room-renames", RoomRename.class);
    public static final OutputTag<MemberRow> MEMBERS = tag("members", MemberRow.class);
    public static final OutputTag<MemberRemoval> REMOVALS =
            tag("member-removals", MemberRemoval.class);
    public static final OutputTag<RoleChange> ROLES = tag("role-changes", RoleChange.class);

    private static <T> OutputTag<T> tag(String id, Class<T> type) {
        return new OutputTag<>(id, TypeInformation.of(type));
    }

    @Override
    public void processElement(MessageRow entry, Context ctx, Collector<MessageRow> out) {
        for (ProjectionWrite write : ProjectionWrites.of(entry)) {
            if (write instanceof MessageRow row) {
                out.collect(row);
            } else if (write instanceof MessageEdit edit) {
                ctx.output(EDITS, edit);
            } else if (write instanceof MessageDeletion deletion) {
                ctx.output(DELETIONS, deletion);
            } else if (write instanceof ReactionChange reaction) {
                ctx.output(REACTIONS, reaction);
            } else if (write instanceof RoomRow room) {
                ctx.output(ROOMS, room);
            } else if (write instanceof RoomRename rename) {
                ctx.output(RENAMES, rename);
            } else if (write instanceof MemberRow member) {
                ctx.output(MEMBERS, member);
            } else if (write instanceof MemberRemoval removal) {
                ctx.output(REMOVALS, removal);
            } else if (write instanceof RoleChange role) {
                ctx.output(ROLES, role);
            } else {
                throw new IllegalStateException("no output for " + write);
            }
        }
    }
}

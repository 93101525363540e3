package io.parley.flink.functions;

import static io.parley.flink.functions.LogFixtures.ROOM;
import static io.parley.flink.functions.LogFixtures.event;
import static io.parley.flink.functions.LogFixtures.message;
import static io.parley.flink.functions.LogFixtures.ts;
import static org.assertj.core.api.Assertions.assertThat;

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
import io.parley.schemas.events.RoomEvent.Member;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectionWritesTest {

    @Test
    void shouldWriteAMessageAsItsOwnRowOnly() {
        MessageRow hello = message(7, "alice", "hello");

        assertThat(ProjectionWrites.of(hello)).containsExactly(hello);
        assertThat(hello.event()).isNull();
        assertThat(hello.entrySeq()).isEqualTo(7);
    }

    @Test
    void shouldWriteEveryEventAsItsOwnRowWithItsJsonAndNoBody() {
        RoomEvent edit = RoomEvent.edited(3, "fixed");
        MessageRow entry = event(1003, "alice", edit);

        assertThat(ProjectionWrites.of(entry)).first().isEqualTo(entry);
        assertThat(entry.bucket()).isEqualTo(1);
        assertThat(entry.msgId()).isEqualTo("e1003");
        assertThat(entry.senderId()).isEqualTo("alice");
        assertThat(entry.body()).isNull();
        assertThat(entry.media()).isNull();
        assertThat(entry.event()).isEqualTo(Json.write(edit));
        assertThat(Json.read(entry.event(), RoomEvent.class)).isEqualTo(edit);
    }

    @Test
    void shouldCreateTheRoomAndEveryInitialMemberAtSeqOne() {
        RoomEvent created =
                RoomEvent.created(
                        RoomEvent.GROUP,
                        "Team",
                        true,
                        List.of(
                                new Member("alice", RoomEvent.ADMIN),
                                new Member("bob", RoomEvent.MEMBER)));
        MessageRow entry = event(1, "alice", created);

        assertThat(ProjectionWrites.of(entry))
                .containsExactly(
                        entry,
                        new RoomRow(ROOM, RoomEvent.GROUP, "Team", true, "alice", ts(1), 1),
                        new MemberRow(ROOM, "alice", RoomEvent.ADMIN, 1),
                        new MemberRow(ROOM, "bob", RoomEvent.MEMBER, 1));
    }

    @Test
    void shouldLeaveTheNameOfAnUnnamedDirectRoomUnset() {
        RoomEvent created =
                RoomEvent.created(
                        RoomEvent.DIRECT,
                        null,
                        false,
                        List.of(
                                new Member("alice", RoomEvent.MEMBER),
                                new Member("bob", RoomEvent.MEMBER)));

        assertThat(ProjectionWrites.of(event(1, "alice", created)))
                .contains(new RoomRow(ROOM, RoomEvent.DIRECT, null, false, "alice", ts(1), 1));
    }

    @Test
    void shouldAddRemoveAndReRoleMembersAtTheirEntrysSeq() {
        assertThat(writesBeyondTheRow(event(8, "alice", RoomEvent.memberAdded("carol", "member"))))
                .containsExactly(new MemberRow(ROOM, "carol", "member", 8));
        assertThat(writesBeyondTheRow(event(9, "carol", RoomEvent.memberRemoved("carol"))))
                .containsExactly(new MemberRemoval(ROOM, "carol", 9));
        assertThat(
                        writesBeyondTheRow(
                                event(
                                        10,
                                        RoomEvent.SERVER_ACTOR,
                                        RoomEvent.roleChanged("bob", RoomEvent.ADMIN))))
                .containsExactly(new RoleChange(ROOM, "bob", RoomEvent.ADMIN, 10));
        assertThat(writesBeyondTheRow(event(11, "bob", RoomEvent.renamed("New name"))))
                .containsExactly(new RoomRename(ROOM, "New name", 11));
    }

    @Test
    void shouldFoldAnEditIntoItsTargetsRowInTheTargetsBucket() {
        assertThat(writesBeyondTheRow(event(1002, "alice", RoomEvent.edited(999, "fixed"))))
                .containsExactly(new MessageEdit(ROOM, 0, 999, "fixed", ts(1002), 1002));
    }

    @Test
    void shouldFoldADeletionIntoItsTargetsRow() {
        assertThat(writesBeyondTheRow(event(2500, "alice", RoomEvent.deleted(1999))))
                .containsExactly(new MessageDeletion(ROOM, 1, 1999, 2500));
    }

    @Test
    void shouldKeyAReactionByEmojiAndActorAndKeepItsActiveFlag() {
        List<ProjectionWrite> added =
                writesBeyondTheRow(event(12, "bob", RoomEvent.reaction(3, "👍", true)));
        List<ProjectionWrite> removed =
                writesBeyondTheRow(event(13, "bob", RoomEvent.reaction(3, "👍", false)));

        assertThat(added).containsExactly(new ReactionChange(ROOM, 0, 3, "👍", "bob", true, 12));
        assertThat(removed).containsExactly(new ReactionChange(ROOM, 0, 3, "👍", "bob", false, 13));
        assertThat(((ReactionChange) added.get(0)).key()).isEqualTo("👍\nbob");
    }

    @Test
    void shouldStampEveryWriteWithTheSeqOfItsOwnEntryNotItsTarget() {
        for (MessageRow entry :
                List.of(
                        event(40, "alice", RoomEvent.edited(3, "x")),
                        event(41, "alice", RoomEvent.deleted(3)),
                        event(42, "bob", RoomEvent.reaction(3, "🎉", true)),
                        event(43, "alice", RoomEvent.memberAdded("dave", "member")))) {
            assertThat(ProjectionWrites.of(entry))
                    .extracting(ProjectionWrite::entrySeq)
                    .containsOnly(entry.seq());
        }
    }

    @Test
    void shouldProjectNothingButTheRowOfAnIncompleteOrUnknownEvent() {
        List<RoomEvent> incomplete =
                List.of(
                        new RoomEvent(
                                RoomEvent.MESSAGE_EDITED,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                "no target",
                                null,
                                null),
                        RoomEvent.deleted(0),
                        new RoomEvent(
                                RoomEvent.REACTION,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                3L,
                                null,
                                "👍",
                                null),
                        RoomEvent.memberAdded(null, "member"),
                        RoomEvent.roleChanged("bob", null),
                        RoomEvent.renamed(null),
                        new RoomEvent(
                                "room_archived",
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null));
        for (RoomEvent e : incomplete) {
            MessageRow entry = event(20, "alice", e);
            assertThat(ProjectionWrites.of(entry)).as(e.toString()).containsExactly(entry);
        }
    }

    private static List<ProjectionWrite> writesBeyondTheRow(MessageRow entry) {
        List<ProjectionWrite> writes = ProjectionWrites.of(entry);
        assertThat(writes.get(0)).isEqualTo(entry);
        return writes.subList(1, writes.size());
    }
}

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
import io.parley.flink.records.ReactionChange;
import io.parley.flink.records.RoleChange;
import io.parley.flink.records.RoomRename;
import io.parley.flink.records.RoomRow;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.RoomEvent.Member;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProjectionFunctionTest {
    private OneInputStreamOperatorTestHarness<MessageRow, MessageRow> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new ProjectionFunction());
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void shouldRouteEveryWriteTypeToItsOwnOutput() throws Exception {
        List<MessageRow> log =
                List.of(
                        event(
                                1,
                                "alice",
                                RoomEvent.created(
                                        RoomEvent.GROUP,
                                        "Team",
                                        false,
                                        List.of(
                                                new Member("alice", RoomEvent.ADMIN),
                                                new Member("bob", RoomEvent.MEMBER)))),
                        message(2, "alice", "hi"),
                        event(3, "alice", RoomEvent.edited(2, "hi all")),
                        event(4, "bob", RoomEvent.reaction(2, "👍", true)),
                        event(5, "alice", RoomEvent.memberAdded("carol", RoomEvent.MEMBER)),
                        event(6, "alice", RoomEvent.roleChanged("bob", RoomEvent.ADMIN)),
                        event(7, "carol", RoomEvent.memberRemoved("carol")),
                        event(8, "bob", RoomEvent.renamed("Core team")),
                        event(9, "alice", RoomEvent.deleted(2)));
        for (MessageRow entry : log) {
            harness.processElement(entry, 0);
        }

        // every entry's own row, in order
        assertThat(harness.extractOutputValues()).containsExactlyElementsOf(log);
        assertThat(side(ProjectionFunction.ROOMS))
                .containsExactly(
                        new RoomRow(ROOM, RoomEvent.GROUP, "Team", false, "alice", ts(1), 1));
        assertThat(side(ProjectionFunction.MEMBERS))
                .containsExactly(
                        new MemberRow(ROOM, "alice", RoomEvent.ADMIN, 1),
                        new MemberRow(ROOM, "bob", RoomEvent.MEMBER, 1),
                        new MemberRow(ROOM, "carol", RoomEvent.MEMBER, 5));
        assertThat(side(ProjectionFunction.EDITS))
                .containsExactly(new MessageEdit(ROOM, 0, 2, "hi all", ts(3), 3));
        assertThat(side(ProjectionFunction.REACTIONS))
                .containsExactly(new ReactionChange(ROOM, 0, 2, "👍", "bob", true, 4));
        assertThat(side(ProjectionFunction.ROLES))
                .containsExactly(new RoleChange(ROOM, "bob", RoomEvent.ADMIN, 6));
        assertThat(side(ProjectionFunction.REMOVALS))
                .containsExactly(new MemberRemoval(ROOM, "carol", 7));
        assertThat(side(ProjectionFunction.RENAMES))
                .containsExactly(new RoomRename(ROOM, "Core team", 8));
        assertThat(side(ProjectionFunction.DELETIONS))
                .containsExactly(new MessageDeletion(ROOM, 0, 2, 9));
    }

    @Test
    void shouldSendAPlainMessageOnlyToTheMainOutput() throws Exception {
        harness.processElement(message(1, "alice", "hi"), 0);

        assertThat(harness.extractOutputValues()).containsExactly(message(1, "alice", "hi"));
        for (OutputTag<?> tag :
                List.of(
                        ProjectionFunction.EDITS,
                        ProjectionFunction.DELETIONS,
                        ProjectionFunction.REACTIONS,
                        ProjectionFunction.ROOMS,
                        ProjectionFunction.RENAMES,
                        ProjectionFunction.MEMBERS,
                        ProjectionFunction.REMOVALS,
                        ProjectionFunction.ROLES)) {
            assertThat(side(tag)).as(tag.getId()).isEmpty();
        }
    }

    private <T> List<T> side(OutputTag<T> tag) {
        ConcurrentLinkedQueue<StreamRecord<T>> records = harness.getSideOutput(tag);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }
}

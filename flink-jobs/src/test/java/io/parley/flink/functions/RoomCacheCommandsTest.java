package io.parley.flink.functions;

import static io.parley.flink.functions.LogFixtures.ROOM;
import static io.parley.flink.functions.LogFixtures.event;
import static io.parley.flink.functions.LogFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.flink.records.MessageRow;
import io.parley.flink.sinks.RedisCommand;
import io.parley.schemas.RedisKeys;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.RoomEvent.Member;
import io.parley.schemas.events.RoomInfo;
import io.parley.schemas.events.SequencedMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomCacheCommandsTest {

    private static RedisCommand raise(long seq) {
        return RedisCommand.eval(
                RedisKeys.RAISE_SCRIPT, List.of("lastseq:" + ROOM), List.of(Long.toString(seq)));
    }

    private static RedisCommand membership(String user, long seq, String op) {
        return RedisCommand.eval(
                RedisKeys.MEMBERSHIP_SCRIPT,
                List.of("members:" + ROOM, "memberseq:" + ROOM, "urooms:" + user),
                List.of(user, ROOM, Long.toString(seq), op));
    }

    private static RedisCommand roomInfo(long seq, String... fields) {
        List<String> args = new java.util.ArrayList<>();
        args.add(String.format("%019d", seq));
        args.addAll(List.of(fields));
        return RedisCommand.eval(
                RedisKeys.VERSIONED_HSET_SCRIPT, List.of("roominfo:" + ROOM), args);
    }

    @Test
    void shouldRaiseTheLastSeqAndRecordThatTheSenderSpokeForAMessage() {
        assertThat(RoomCacheCommands.of(message(7, "alice", "hi")))
                .containsExactly(raise(7), RedisCommand.sadd("spoke:alice", ROOM));
    }

    @Test
    void shouldAddEveryInitialMemberAndSetTheRoomInfoOnRoomCreated() {
        MessageRow created =
                event(
                        1,
                        "alice",
                        RoomEvent.created(
                                RoomEvent.GROUP,
                                "Team",
                                false,
                                List.of(
                                        new Member("alice", RoomEvent.ADMIN),
                                        new Member("bob", RoomEvent.MEMBER))));

        assertThat(RoomCacheCommands.of(created))
                .containsExactly(
                        raise(1),
                        membership("alice", 1, "add"),
                        membership("bob", 1, "add"),
                        roomInfo(1, "kind", "group", "name", "Team", "encrypted", "false"));
    }

    @Test
    void shouldAddAndRemoveTheNamedMemberAtTheEntrysSeq() {
        assertThat(
                        RoomCacheCommands.of(
                                event(5, "alice", RoomEvent.memberAdded("carol", "member"))))
                .containsExactly(
                        raise(5),
                        membership("carol", 5, "add"),
                        roomInfo(5, "kind", "group", "name", "Team", "encrypted", "false"));
        assertThat(RoomCacheCommands.of(event(9, "carol", RoomEvent.memberRemoved("carol"))))
                .containsExactly(
                        raise(9),
                        membership("carol", 9, "remove"),
                        roomInfo(9, "kind", "group", "name", "Team", "encrypted", "false"));
    }

    @Test
    void shouldLeaveOutTheNameOfARoomWithoutOne() {
        MessageRow direct =
                entry(
                        1,
                        RoomEvent.created(
                                RoomEvent.DIRECT,
                                null,
                                true,
                                List.of(
                                        new Member("alice", RoomEvent.MEMBER),
                                        new Member("bob", RoomEvent.MEMBER))),
                        new RoomInfo(RoomEvent.DIRECT, null, true));

        assertThat(RoomCacheCommands.of(direct))
                .endsWith(roomInfo(1, "kind", "direct", "encrypted", "true"));
    }

    @Test
    void shouldOnlyRaiseTheLastSeqForEventsThatChangeNoMembershipOrRoom() {
        for (RoomEvent e :
                List.of(
                        RoomEvent.edited(2, "hi all"),
                        RoomEvent.deleted(2),
                        RoomEvent.reaction(2, "👍", true),
                        RoomEvent.roleChanged("bob", RoomEvent.ADMIN))) {
            // an event is no message: its actor did not speak
            assertThat(RoomCacheCommands.of(event(3, "bob", e)))
                    .as(e.kind())
                    .containsExactly(raise(3));
        }
    }

    @Test
    void shouldSetTheNewNameOnARename() {
        MessageRow renamed =
                entry(
                        8,
                        RoomEvent.renamed("Core team"),
                        new RoomInfo(RoomEvent.GROUP, "Core team", false));

        assertThat(RoomCacheCommands.of(renamed))
                .containsExactly(
                        raise(8),
                        roomInfo(8, "kind", "group", "name", "Core team", "encrypted", "false"));
    }

    /** An event entry with the room as the Sequencer attaches it. */
    private static MessageRow entry(long seq, RoomEvent event, RoomInfo room) {
        return MessageRow.of(
                new SequencedMessage(
                        ROOM, seq, "e" + seq, "alice", null, "gw1", "c" + seq, null, null, null,
                        seq, seq, seq, event, room));
    }
}

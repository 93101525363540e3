package io.parley.flink.functions;

import static io.parley.flink.functions.LogFixtures.ROOM;
import static io.parley.flink.functions.LogFixtures.event;
import static io.parley.flink.functions.LogFixtures.message;
import static io.parley.flink.functions.LogFixtures.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.flink.records.MessageRow;
import io.parley.flink.records.SearchOp;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.RoomEvent.Member;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchOperationsTest {

    @Test
    void shouldIndexAMessageWholeUnderRoomAndSeq() {
        assertThat(SearchOperations.of(message(7, "alice", "hello")))
                .contains(
                        new SearchOp(
                                SearchOp.Kind.INDEX, ROOM, 7, "m7", "alice", "c7", "hello", ts(7)));
        assertThat(SearchOperations.of(message(7, "alice", "hello")).orElseThrow().docId())
                .isEqualTo("r1:7");
    }

    @Test
    void shouldUpdateOnlyTheBodyOfAnEditsTarget() {
        SearchOp update =
                SearchOperations.of(event(9, "alice", RoomEvent.edited(7, "hello all")))
                        .orElseThrow();

        assertThat(update).isEqualTo(SearchOp.update(ROOM, 7, "hello all"));
        assertThat(update.kind()).isEqualTo(SearchOp.Kind.UPDATE);
        assertThat(update.docId()).isEqualTo("r1:7");
    }

    @Test
    void shouldNeverIndexCiphertextNorAnEditOfIt() {
        for (MessageRow plain :
                List.of(
                        message(7, "alice", "q83vEg=="),
                        event(9, "alice", RoomEvent.edited(7, "AAEC")))) {
            MessageRow encrypted =
                    new MessageRow(
                            plain.roomId(),
                            plain.bucket(),
                            plain.seq(),
                            plain.msgId(),
                            plain.senderId(),
                            plain.clientMsgId(),
                            plain.body(),
                            plain.media(),
                            plain.replyToSeq(),
                            plain.ts(),
                            plain.event(),
                            plain.room(),
                            true);

            assertThat(SearchOperations.of(plain)).isPresent();
            assertThat(SearchOperations.of(encrypted)).isEmpty();
        }
    }

    @Test
    void shouldDeleteTheTargetOfADeletion() {
        SearchOp delete =
                SearchOperations.of(event(10, "alice", RoomEvent.deleted(7))).orElseThrow();

        assertThat(delete.kind()).isEqualTo(SearchOp.Kind.DELETE);
        assertThat(delete.docId()).isEqualTo("r1:7");
    }

    @Test
    void shouldIndexNoOtherEvent() {
        List<RoomEvent> unsearchable =
                List.of(
                        RoomEvent.created(
                                RoomEvent.GROUP, "Team", false, List.of(new Member("a", "admin"))),
                        RoomEvent.memberAdded("bob", "member"),
                        RoomEvent.memberRemoved("bob"),
                        RoomEvent.roleChanged("bob", "admin"),
                        RoomEvent.renamed("Team 2"),
                        RoomEvent.reaction(7, "👍", true),
                        RoomEvent.edited(7, null),
                        RoomEvent.deleted(0));
        for (RoomEvent e : unsearchable) {
            assertThat(SearchOperations.of(event(11, "alice", e))).as(e.toString()).isEmpty();
        }
    }
}

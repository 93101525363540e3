package io.parley.flink.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.events.MediaRef;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.RoomInfo;
import io.parley.schemas.events.SequencedMessage;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class MessageRowTest {

    @Test
    void shouldFlattenAMessageIntoItsArchiveRow() {
        SequencedMessage m =
                new SequencedMessage(
                        "r1",
                        2345,
                        "m-1",
                        "alice",
                        "d1",
                        "gw1",
                        "c-1",
                        "hello",
                        List.of(new MediaRef("md1", "image/png", 42)),
                        2000L,
                        111,
                        100,
                        105);

        MessageRow row = MessageRow.of(m);

        assertThat(row.bucket()).isEqualTo(2);
        assertThat(row.docId()).isEqualTo("r1:2345").isEqualTo(m.docId());
        assertThat(row.media())
                .isEqualTo("[{\"media_id\":\"md1\",\"mime\":\"image/png\",\"size\":42}]");
        assertThat(row.replyToSeq()).isEqualTo(2000L);
        assertThat(row.ts()).isEqualTo(111);
    }

    @Test
    void shouldLeaveMediaNullWhenTheMessageHasNone() {
        SequencedMessage m =
                new SequencedMessage("r1", 1, "m", "a", "d", "g", "c", "hi", null, null, 1, 1, 1);

        assertThat(MessageRow.of(m).media()).isNull();
        assertThat(MessageRow.of(m).event()).isNull();
        assertThat(SearchDocument.of(SearchOp.index(MessageRow.of(m))).body()).isEqualTo("hi");
    }

    @Test
    void shouldFlattenAnEventIntoItsRowWithTheEventAsJsonAndNoBodyOrMedia() {
        RoomEvent event = RoomEvent.reaction(3, "👍", true);
        SequencedMessage m =
                new SequencedMessage(
                        "r1",
                        1001,
                        "e-1",
                        "bob",
                        "d2",
                        "gw1",
                        "c-2",
                        "ignored",
                        List.of(new MediaRef("md1", "image/png", 42)),
                        null,
                        111,
                        100,
                        105,
                        event,
                        null);

        MessageRow row = MessageRow.of(m);

        assertThat(row)
                .isEqualTo(
                        new MessageRow(
                                "r1",
                                1,
                                1001,
                                "e-1",
                                "bob",
                                "c-2",
                                null,
                                null,
                                null,
                                111,
                                "{\"kind\":\"reaction\",\"target_seq\":3,\"emoji\":\"👍\",\"active\":true}",
                                null));
    }

    @Test
    void shouldCarryTheRoomOfAnEventThatChangesRoomListsAsJson() {
        SequencedMessage m =
                new SequencedMessage(
                        "r1",
                        3,
                        "e-3",
                        "bob",
                        null,
                        "gw1",
                        "c-3",
                        null,
                        null,
                        null,
                        111,
                        100,
                        105,
                        RoomEvent.renamed("Core team"),
                        new RoomInfo("group", "Core team", false));

        assertThat(MessageRow.of(m).room())
                .isEqualTo("{\"kind\":\"group\",\"name\":\"Core team\",\"encrypted\":false}");
        assertThat(
                        MessageRow.of(
                                        new SequencedMessage(
                                                "r1", 1, "m", "a", "d", "g", "c", "hi", null, null,
                                                1, 1, 1))
                                .room())
                .isNull();
    }

    @Test
    void shouldBeFlinkPojosSoNoRecordGoesThroughKryo() {
        for (Class<?> type :
                List.of(
                        MessageRow.class,
                        MessageEdit.class,
                        MessageDeletion.class,
                        ReactionChange.class,
                        RoomRow.class,
                        RoomRename.class,
                        MemberRow.class,
                        MemberRemoval.class,
                        RoleChange.class,
                        SearchOp.class,
                        CursorChange.class,
                        Cursor.class,
                        DeliverySummary.class,
                        MetricRow.class,
                        io.parley.schemas.events.ReceiptEvent.class,
                        io.parley.schemas.events.ReceiptUpdate.class,
                        io.parley.schemas.events.DeliveryStat.class,
                        UserLogEntry.class,
                        io.parley.schemas.events.UserEvent.class,
                        io.parley.schemas.events.UserEvent.Privacy.class,
                        io.parley.schemas.events.UserEvent.Media.class,
                        SettingsRow.class,
                        DeviceRow.class,
                        DeviceRemoval.class,
                        MediaRow.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) info;
            for (int i = 0; i < pojo.getArity(); i++) {
                assertThat(pojo.getPojoFieldAt(i).getTypeInformation())
                        .as(
                                type.getSimpleName()
                                        + "."
                                        + pojo.getPojoFieldAt(i).getField().getName())
                        .isNotInstanceOf(GenericTypeInfo.class);
            }
        }
    }
}

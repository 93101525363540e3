package io.parley.flink.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.events.MediaRef;
import io.parley.schemas.events.SequencedMessage;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
        assertThat(SearchDocument.of(MessageRow.of(m)).body()).isEqualTo("hi");
    }

    @Test
    void shouldBeFlinkPojosSoNoRecordGoesThroughKryo() {
        for (Class<?> type :
                List.of(
                        MessageRow.class,
                        CursorChange.class,
                        Cursor.class,
                        DeliverySummary.class,
                        MetricRow.class,
                        io.parley.schemas.events.ReceiptEvent.class,
                        io.parley.schemas.events.ReceiptUpdate.class,
                        io.parley.schemas.events.DeliveryStat.class)) {
            assertThat(TypeInformation.of(type))
                    .as(type.getSimpleName())
                    .isInstanceOf(PojoTypeInfo.class);
        }
    }
}

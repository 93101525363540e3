package io.parley.flink.functions;

import io.parley.flink.records.MessageRow;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.RoomInfo;
import io.parley.schemas.events.SequencedMessage;

/** Log entries as the source hands them on: {@code ts = 1000 + seq}, event ids {@code e<seq>}. */
final class LogFixtures {
    static final String ROOM = "r1";

    private LogFixtures() {}

    static long ts(long seq) {
        return 1_000 + seq;
    }

    static MessageRow message(long seq, String sender, String body) {
        return MessageRow.of(
                new SequencedMessage(
                        ROOM,
                        seq,
                        "m" + seq,
                        sender,
                        "d1",
                        "gw1",
                        "c" + seq,
                        body,
                        null,
                        null,
                        ts(seq),
                        ts(seq) - 5,
                        ts(seq) - 2));
    }

    static MessageRow event(long seq, String actor, RoomEvent event) {
        return MessageRow.of(
                new SequencedMessage(
                        ROOM,
                        seq,
                        "e" + seq,
                        actor,
                        null,
                        "gw1",
                        "c" + seq,
                        null,
                        null,
                        null,
                        ts(seq),
                        ts(seq),
                        ts(seq),
                        event,
                        event.changesRoomList() ? new RoomInfo("group", "Team", false) : null));
    }
}

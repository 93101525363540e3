package io.parley.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.events.SendCommand;
import io.parley.schemas.events.SequencedMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RoomSequencerTest {
    private final Map<String, String> store = new HashMap<>();
    private final AtomicLong clock = new AtomicLong(1_000);
    private final RoomSequencer sequencer =
            new RoomSequencer(mapState(store), clock::incrementAndGet);

    private static KeyValueState mapState(Map<String, String> map) {
        return new KeyValueState() {
            @Override
            public String get(String key) {
                return map.get(key);
            }

            @Override
            public void put(String key, String value) {
                map.put(key, value);
            }
        };
    }

    private static SendCommand send(String sender, String clientMsgId) {
        return new SendCommand(
                "room1", sender, "d1", "gw1", clientMsgId, "hi " + clientMsgId, null, null, 1, 2);
    }

    @Test
    void shouldNumberEachRoomDenselyFromOne() {
        assertThat(sequencer.sequence("room1", send("alice", "a")).seq()).isEqualTo(1);
        assertThat(sequencer.sequence("room1", send("bob", "a")).seq()).isEqualTo(2);
        assertThat(sequencer.sequence("room2", send("alice", "a")).seq()).isEqualTo(1);
        assertThat(sequencer.sequence("room1", send("alice", "b")).seq()).isEqualTo(3);
    }

    @Test
    void shouldReturnTheSameMessageForARetriedClientMsgId() {
        SequencedMessage first = sequencer.sequence("room1", send("alice", "x"));
        sequencer.sequence("room1", send("alice", "y"));
        SequencedMessage retry = sequencer.sequence("room1", send("alice", "x"));

        assertThat(retry).isEqualTo(first);
        assertThat(sequencer.roomRecord("room1").lastSeq()).isEqualTo(2);
    }

    @Test
    void shouldRouteARetryFromAnotherDeviceBackToThatDevice() {
        SequencedMessage first = sequencer.sequence("room1", send("alice", "x"));
        SendCommand fromLaptop =
                new SendCommand("room1", "alice", "laptop", "gw2", "x", "hi x", null, null, 1, 2);

        SequencedMessage retry = sequencer.sequence("room1", fromLaptop);

        assertThat(retry.seq()).isEqualTo(first.seq());
        assertThat(retry.msgId()).isEqualTo(first.msgId());
        assertThat(retry.ts()).isEqualTo(first.ts());
        assertThat(retry.senderDeviceId()).isEqualTo("laptop");
        assertThat(retry.gatewayId()).isEqualTo("gw2");
    }

    @Test
    void shouldReEmitTheSameSeqAfterACrashBetweenCommitAndClientRecord() {
        // Given a state store that dies right after the room record (the commit point) is written
        Map<String, String> crashing = new HashMap<>();
        KeyValueState failing =
                new KeyValueState() {
                    @Override
                    public String get(String key) {
                        return crashing.get(key);
                    }

                    @Override
                    public void put(String key, String value) {
                        crashing.put(key, value);
                        if (key.startsWith("r.")) {
                            throw new IllegalStateException("crash");
                        }
                    }
                };
        try {
            new RoomSequencer(failing, clock::incrementAndGet)
                    .sequence("room1", send("alice", "x"));
        } catch (IllegalStateException expected) {
            // the input is redelivered
        }
        SequencedMessage committed = Json().read(crashing.get("r.room1")).last();

        // When the send is redelivered to a healthy sequencer on the same state
        RoomSequencer healthy = new RoomSequencer(mapState(crashing), clock::incrementAndGet);
        SequencedMessage redelivered = healthy.sequence("room1", send("alice", "x"));
        SequencedMessage next = healthy.sequence("room1", send("alice", "y"));

        // Then the same seq, msg_id and ts come out, and the next send takes the next seq
        assertThat(redelivered).isEqualTo(committed);
        assertThat(redelivered.seq()).isEqualTo(1);
        assertThat(next.seq()).isEqualTo(2);
    }

    @Test
    void shouldKeepStateKeysFreeOfSlashes() {
        assertThat(RoomSequencer.clientKey("r", "a/b", "c/d//e")).doesNotContain("/");
    }

    private static RecordReader Json() {
        return new RecordReader();
    }

    private static final class RecordReader {
        RoomSequencer.RoomRecord read(String raw) {
            return io.parley.schemas.Json.read(raw, RoomSequencer.RoomRecord.class);
        }
    }
}

package io.parley.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.flink.records.KeyWrite;
import io.parley.flink.sinks.RedisCommand;
import io.parley.schemas.DeviceMailbox;
import io.parley.schemas.Json;
import io.parley.schemas.KeyDirectory;
import io.parley.schemas.events.UserEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyCacheCommandsTest {
    private static List<RedisCommand> of(UserEvent e) {
        return KeyCacheCommands.of(new KeyWrite(e.userId(), Json.write(e), "0000007:0000003:-1"));
    }

    private static RedisCommand eval(KeyDirectory.Call c) {
        return RedisCommand.eval(c.script(), c.keys(), c.args());
    }

    @Test
    void shouldWriteAnUploadAClaimAndASignOutWithTheEdgesScripts() {
        UserEvent upload =
                UserEvent.keysUploaded(
                        "bob",
                        "ev",
                        5,
                        "phone",
                        new UserEvent.Keys(
                                "aWQ=",
                                "c2c=",
                                new UserEvent.Prekey("s1", "c3A=", "c2ln"),
                                new UserEvent.Prekey[] {new UserEvent.Prekey("1", "b3Rr", null)}));
        UserEvent claimed =
                UserEvent.prekeyClaimed(
                        "bob", "ev", 6, "phone", new UserEvent.Prekey("1", "b3Rr", null));

        assertThat(of(upload))
                .containsExactly(eval(KeyDirectory.upload(upload, "0000007:0000003:-1")));
        assertThat(of(claimed)).containsExactly(eval(KeyDirectory.claim("bob", "phone", "1")));
        assertThat(of(UserEvent.deviceSignedOut("bob", "ev", 7, "phone")))
                .containsExactly(
                        eval(KeyDirectory.remove("bob", "phone")),
                        eval(DeviceMailbox.clear("bob", "phone")));
        assertThat(KeyDirectory.upload(upload, "p").args())
                .as("device, ts, version, identity, signing, signed prekey, then key pairs")
                .containsExactly(
                        "phone",
                        "5",
                        "p",
                        "aWQ=",
                        "c2c=",
                        "{\"key_id\":\"s1\",\"public_key\":\"c3A=\",\"signature\":\"c2ln\"}",
                        "1",
                        "b3Rr");
    }

    @Test
    void shouldPutAToDeviceInItsDevicesMailboxAndTakeItOutOnItsAck() {
        UserEvent sent =
                UserEvent.toDevice(
                        "bob",
                        9,
                        "phone",
                        new UserEvent.DeviceMessage("m-1", "alice", "laptop", "AAEC", 9_000));
        UserEvent acked = UserEvent.toDeviceAcked("bob", 10, "phone", "m-1");

        assertThat(of(sent)).containsExactly(eval(DeviceMailbox.add(sent)));
        assertThat(of(acked)).containsExactly(eval(DeviceMailbox.ack(acked)));
        assertThat(DeviceMailbox.add(sent).keys())
                .containsExactly(
                        "todev:bob:phone",
                        "todevm:bob:phone",
                        "todevgone:bob:phone",
                        "todevdrop:bob:phone",
                        "signedout:bob");
        assertThat(DeviceMailbox.add(sent).args())
                .as("device, ts, id, order, frame, capacity")
                .containsExactly(
                        "phone",
                        "9",
                        "m-1",
                        "9000",
                        "{\"type\":\"to_device\",\"id\":\"m-1\",\"sender_id\":\"alice\","
                                + "\"sender_device_id\":\"laptop\",\"ciphertext\":\"AAEC\"}",
                        "1000");
    }
}

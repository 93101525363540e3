package io.parley.flink.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.events.UserEvent;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * The user log's entries cross the network between the source and the keyed projection: they must
 * serialize as POJOs, without Kryo (which cannot reach into JDK collections on Java 17; a list of
 * prekeys restart-looped the job).
 */
class UserLogEntryTypeTest {
    @Test
    void shouldSerializeAnEntryWithKeysWithoutGenericTypes() throws Exception {
        ExecutionConfig config = new ExecutionConfig();
        config.disableGenericTypes();
        TypeSerializer<UserLogEntry> serializer =
                TypeInformation.of(UserLogEntry.class).createSerializer(config);
        UserLogEntry entry =
                new UserLogEntry(
                        "p",
                        UserEvent.keysUploaded(
                                "bob",
                                "ev",
                                5,
                                "phone",
                                new UserEvent.Keys(
                                        "aWQ=",
                                        "c2c=",
                                        new UserEvent.Prekey("s1", "c3A=", "c2ln"),
                                        new UserEvent.Prekey[] {
                                            new UserEvent.Prekey("1", "b3Rr", null)
                                        })));

        UserLogEntry copy =
                InstantiationUtil.deserializeFromByteArray(
                        serializer, InstantiationUtil.serializeToByteArray(serializer, entry));

        assertThat(copy.event().keys().oneTimePrekeys()[0].keyId()).isEqualTo("1");
        assertThat(copy.event().keys().signedPrekey().signature()).isEqualTo("c2ln");
    }
}

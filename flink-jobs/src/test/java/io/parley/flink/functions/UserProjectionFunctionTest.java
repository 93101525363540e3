package io.parley.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.flink.records.DeviceRemoval;
import io.parley.flink.records.DeviceRow;
import io.parley.flink.records.DeviceState;
import io.parley.flink.records.MediaRow;
import io.parley.flink.records.SettingsRow;
import io.parley.flink.records.UserLogEntry;
import io.parley.flink.users.InMemoryDeviceDirectory;
import io.parley.schemas.LogPosition;
import io.parley.schemas.events.UserEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserProjectionFunctionTest {
    /** A clock that stands still: the write timestamps must grow all the same. */
    private static final long NOW = 1_700_000_000_000_000L;

    private InMemoryDeviceDirectory stored;
    private KeyedOneInputStreamOperatorTestHarness<String, UserLogEntry, SettingsRow> harness;
    private long entries;

    @BeforeEach
    void open() throws Exception {
        stored = new InMemoryDeviceDirectory();
        harness = harness(stored);
        entries = 0;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, UserLogEntry, SettingsRow>
            harness(InMemoryDeviceDirectory directory) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new UserProjectionFunction(directory, () -> NOW),
                UserLogEntry::userId,
                Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** Appends the event to the log at the next position and hands it to the function. */
    private String process(UserEvent event) throws Exception {
        String position = LogPosition.of(7, entries++, -1);
        harness.processElement(new UserLogEntry(position, event), 0);
        return position;
    }

    private static UserEvent registered(String user, String device, String token) {
        return UserEvent.deviceRegistered(user, "ev", 5_000, device, "android", token);
    }

    private static UserEvent removed(String user, String device, String token) {
        return UserEvent.pushTokenRemoved(user, "ev", 6_000, device, token);
    }

    @Test
    void shouldUpsertTheWholeSettingsWithTheEntrysPosition() throws Exception {
        String position =
                process(
                        UserEvent.privacySet(
                                "bob",
                                "ev",
                                1,
                                new UserEvent.Privacy("contacts", "nobody", false, "contacts")));

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        new SettingsRow(
                                "bob", "contacts", "nobody", false, "contacts", position, NOW));
    }

    @Test
    void shouldUpsertARegisteredDevice() throws Exception {
        process(registered("bob", "phone", "t1"));

        assertThat(side(UserProjectionFunction.DEVICES))
                .containsExactly(new DeviceRow("bob", "phone", "android", "t1", 5_000, NOW));
    }

    @Test
    void shouldRecordADeviceSeenAndSignedOutAndDropItsPushToken() throws Exception {
        process(registered("bob", "phone", "t1"));
        process(UserEvent.deviceSeen("bob", "ev", 5_500, "phone"));
        process(UserEvent.deviceSignedOut("bob", "ev", 7_000, "phone"));

        assertThat(side(UserProjectionFunction.DEVICE_STATES))
                .containsExactly(
                        new DeviceState("bob", "phone", 5_500L, null, NOW + 1),
                        new DeviceState("bob", "phone", null, 7_000L, NOW + 3));
        assertThat(side(UserProjectionFunction.DEVICE_REMOVALS))
                .as("the push token goes with the sign-out")
                .containsExactly(new DeviceRemoval("bob", "phone", NOW + 2));
        // a dead-token report of the old token after the sign-out finds nothing to remove
        process(removed("bob", "phone", "t1"));
        assertThat(side(UserProjectionFunction.DEVICE_REMOVALS)).hasSize(1);
    }

    @Test
    void shouldRemoveADeviceWhoseCurrentTokenIsTheDeadOneAndForgetIt() throws Exception {
        process(registered("bob", "phone", "t1"));
        process(registered("bob", "tablet", "t2"));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);

        process(removed("bob", "phone", "t1"));

        assertThat(side(UserProjectionFunction.DEVICE_REMOVALS))
                .containsExactly(new DeviceRemoval("bob", "phone", NOW + 2));
        // the state decided it, and the phone left the state with its row
        assertThat(stored.lookups()).isZero();
        process(removed("bob", "phone", "t1"));
        assertThat(stored.lookups()).isEqualTo(1);
        assertThat(side(UserProjectionFunction.DEVICE_REMOVALS)).hasSize(1);
    }

    @Test
    void shouldKeepADeviceThatRegisteredANewTokenSinceTheDeadOne() throws Exception {
        process(registered("bob", "phone", "t1"));
        // the push job read t1 and FCM reported it dead, but the phone had registered t2 meanwhile
        process(registered("bob", "phone", "t2"));
        process(removed("bob", "phone", "t1"));

        assertThat(side(UserProjectionFunction.DEVICE_REMOVALS)).isEmpty();
        assertThat(side(UserProjectionFunction.DEVICES))
                .extracting(DeviceRow::pushToken)
                .containsExactly("t1", "t2");
        assertThat(stored.lookups()).isZero();

        process(removed("bob", "phone", "t2"));
        assertThat(side(UserProjectionFunction.DEVICE_REMOVALS))
                .containsExactly(new DeviceRemoval("bob", "phone", NOW + 2));
    }

    @Test
    void shouldDecideEachUsersDevicesByThatUsersState() throws Exception {
        process(registered("bob", "phone", "t1"));
        process(registered("carol", "phone", "t9"));
        process(removed("carol", "phone", "t1"));

        assertThat(side(UserProjectionFunction.DEVICE_REMOVALS)).isEmpty();
    }

    @Test
    void shouldSeedADeviceItHasNotSeenSinceItStartedFromTheStoredRowOnce() throws Exception {
        // registered before this (stateless) start of the job
        stored.stored("bob", "phone", "t1").stored("bob", "tablet", "t7");

        process(removed("bob", "tablet", "t6"));
        process(removed("bob", "tablet", "t6"));
        process(removed("bob", "phone", "t1"));
        process(removed("bob", "laptop", "t3"));

        assertThat(side(UserProjectionFunction.DEVICE_REMOVALS))
                .containsExactly(new DeviceRemoval("bob", "phone", NOW));
        // the tablet keeps its newer token, remembered after the first lookup
        assertThat(stored.lookups()).isEqualTo(3);
    }

    @Test
    void shouldInsertARegisteredMediaWithItsUploader() throws Exception {
        process(
                UserEvent.mediaRegistered(
                        "alice",
                        "ev",
                        1,
                        new UserEvent.Media(
                                "md1", "r1", "image/png", 42, "ab", "media/md1", 1_234)));

        assertThat(side(UserProjectionFunction.MEDIA))
                .containsExactly(
                        new MediaRow(
                                "md1",
                                "r1",
                                "alice",
                                "image/png",
                                42,
                                "ab",
                                "media/md1",
                                1_234,
                                NOW));
    }

    @Test
    void shouldGiveEachUsersWritesStrictlyIncreasingTimestampsInLogOrder() throws Exception {
        process(registered("bob", "phone", "t1"));
        process(removed("bob", "phone", "t1"));
        process(registered("bob", "phone", "t2"));
        process(registered("carol", "phone", "t3"));

        List<Long> bob = new ArrayList<>();
        side(UserProjectionFunction.DEVICES).stream()
                .filter(d -> d.userId().equals("bob"))
                .forEach(d -> bob.add(d.writeTs()));
        // the removal's timestamp is between the two registrations': the re-registration wins
        assertThat(bob).containsExactly(NOW, NOW + 2);
        assertThat(side(UserProjectionFunction.DEVICE_REMOVALS))
                .singleElement()
                .extracting(DeviceRemoval::writeTs)
                .isEqualTo(NOW + 1);
        // every user has a clock of their own
        assertThat(side(UserProjectionFunction.DEVICES))
                .filteredOn(d -> d.userId().equals("carol"))
                .extracting(DeviceRow::writeTs)
                .containsExactly(NOW);
    }

    @Test
    void shouldProjectNothingForAnEntryMissingTheFieldsItsKindNeeds() throws Exception {
        process(UserEvent.privacySet("bob", "ev", 1, null));
        process(registered("bob", null, "t1"));
        process(registered("bob", "phone", ""));
        process(removed("bob", "phone", null));
        process(UserEvent.mediaRegistered("bob", "ev", 1, null));
        process(new UserEvent("bob", "teleported", "ev", 1, null, null, null, null, null));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(side(UserProjectionFunction.DEVICES)).isEmpty();
        assertThat(side(UserProjectionFunction.DEVICE_REMOVALS)).isEmpty();
        assertThat(side(UserProjectionFunction.MEDIA)).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void shouldDecideTheSameRemovalsWhenTheLogIsReplayedWithoutState() throws Exception {
        List<UserEvent> log =
                List.of(
                        registered("bob", "phone", "t1"),
                        registered("bob", "tablet", "t2"),
                        registered("bob", "phone", "t3"),
                        removed("bob", "phone", "t1"),
                        removed("bob", "tablet", "t2"),
                        registered("bob", "tablet", "t4"),
                        removed("bob", "phone", "t3"));
        for (UserEvent e : log) {
            process(e);
        }
        List<DeviceRemoval> first = side(UserProjectionFunction.DEVICE_REMOVALS);
        harness.close();

        // a replay from earliest: a fresh function, no state, the store already rebuilt or not
        harness = harness(new InMemoryDeviceDirectory().stored("bob", "phone", "t1"));
        entries = 0;
        for (UserEvent e : log) {
            process(e);
        }

        assertThat(first).extracting(DeviceRemoval::deviceId).containsExactly("tablet", "phone");
        assertThat(side(UserProjectionFunction.DEVICE_REMOVALS)).isEqualTo(first);
    }

    private <T> List<T> side(OutputTag<T> tag) {
        ConcurrentLinkedQueue<StreamRecord<T>> records = harness.getSideOutput(tag);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }
}

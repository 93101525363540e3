package io.parley.flink.records;

/**
 * One Cassandra write of the user projection job, derived from one user-log entry. The user log has
 * no seq, so the write timestamp is the job's own per-user clock ({@code UserProjectionFunction}):
 * strictly increasing in log order for each user, and above every earlier write's, so the sinks of
 * different tables may apply one user's writes in any order and the later entry still wins.
 */
public sealed interface UserWrite
        permits SettingsRow, DeviceRow, DeviceRemoval, DeviceState, MediaRow {

    /** The Cassandra write timestamp, in microseconds. */
    long writeTs();
}

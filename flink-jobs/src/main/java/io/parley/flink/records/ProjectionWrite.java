package io.parley.flink.records;

/**
 * One Cassandra write of the persistence job, derived from one log entry. Every write carries
 * {@code USING TIMESTAMP entrySeq()}: of two writes to one cell the later entry wins whatever order
 * they arrive in, and writing an entry again changes nothing, so the tables are a function of the
 * log (replays, redeliveries and parallel sinks included).
 */
public sealed interface ProjectionWrite
        permits MessageRow,
                MessageEdit,
                MessageDeletion,
                ReactionChange,
                RoomRow,
                RoomRename,
                MemberRow,
                MemberRemoval,
                RoleChange {

    /** The seq of the log entry this write comes from: its Cassandra write timestamp. */
    long entrySeq();
}

package io.parley.edge.store;

import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.frames.ServerFrame;
import java.util.List;

/**
 * One row of the archive: the log entry as appended (what catch-up replays), and for a message its
 * current state as the persistence job folded its edits, deletion and reactions into it.
 */
public record ArchivedEntry(
        SequencedMessage entry,
        String currentBody,
        Long editedTs,
        boolean deleted,
        List<ServerFrame.Reaction> reactions) {

    /** The message as history shows it now. */
    public ServerFrame.Message currentMessage() {
        return ServerFrame.Message.of(entry).withState(currentBody, editedTs, deleted, reactions);
    }
}

package io.parley.flink.records;

import io.parley.schemas.events.UserEvent;

/**
 * An entry of the users' log as the source hands it on: the event and where it is in the log.
 *
 * @param position {@code LogPosition} of the message: the version of the live path's caches of user
 *     state ({@code privacy:<user>}), the same one the edge writes them with after its append
 */
public record UserLogEntry(String position, UserEvent event) {

    public String userId() {
        return event.userId();
    }
}

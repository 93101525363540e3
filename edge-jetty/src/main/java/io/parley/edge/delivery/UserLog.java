package io.parley.edge.delivery;

import io.parley.schemas.LogPosition;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;

/**
 * Appends to the users' log ({@code events/users}) and waits until the entry is durable: a call
 * that changes user-level state answers only then. Returns the entry's {@link LogPosition}, the
 * version under which the caller may refresh a live-path cache of that state.
 */
public final class UserLog {
    static final Duration APPEND_TIMEOUT = Duration.ofSeconds(10);

    private final Publisher publisher;

    public UserLog(Publisher publisher) {
        this.publisher = publisher;
    }

    public String append(UserEvent event) {
        MessageId id;
        try {
            id = publisher.user(event).get(APPEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new ProtocolException(
                    ErrorCode.UNAVAILABLE, "could not record the change; retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "interrupted; retry");
        }
        return positionOf(id);
    }

    public static String positionOf(MessageId id) {
        MessageIdAdv adv = (MessageIdAdv) id;
        return LogPosition.of(adv.getLedgerId(), adv.getEntryId(), adv.getBatchIndex());
    }
}

package io.parley.schemas.events;

/** A message for a member with no connected device, on {@code events/push}. */
public record PushRequest(
        String roomId,
        long seq,
        String msgId,
        String senderId,
        String userId,
        String preview,
        long ts) {}

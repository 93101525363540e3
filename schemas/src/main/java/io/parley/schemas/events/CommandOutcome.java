package io.parley.schemas.events;

/**
 * The Sequencer's answer to a command that was not appended: routed to the gateway that published
 * it ({@code delivery/gw.<gateway>}) like a {@code sent}. Either a rejection ({@code code} and
 * {@code message}, never a seq) or, for a command whose effect is already in the log (an existing
 * direct room, a member already added), the seq of the entry that had it ({@code code} null).
 *
 * @param deviceId the actor's device for a WebSocket command; null for an HTTP call
 * @param code a PROTOCOL.md error code ({@code ErrorCode.wire()}), or null when not an error
 */
public record CommandOutcome(
        String roomId,
        String actorId,
        String deviceId,
        String clientMsgId,
        String code,
        String message,
        Long seq) {

    public static CommandOutcome rejected(SendCommand c, String code, String message) {
        return new CommandOutcome(
                c.roomId(), c.senderId(), c.senderDeviceId(), c.clientMsgId(), code, message, null);
    }

    public static CommandOutcome existing(SendCommand c, long seq) {
        return new CommandOutcome(
                c.roomId(), c.senderId(), c.senderDeviceId(), c.clientMsgId(), null, null, seq);
    }
}

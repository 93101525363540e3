package io.parley.schemas.events;

import java.util.List;

/**
 * A client's {@code send}, as the edge publishes it to the room's ingress topic {@code
 * rooms/r.<room_id>}. Not yet sequenced: the Sequencer gives it a seq and a msg_id.
 *
 * @param clientTs when the client sent it, if it said (else the edge's ingress time)
 * @param edgeTs when the edge received it
 */
public record SendCommand(
        String roomId,
        String senderId,
        String senderDeviceId,
        String gatewayId,
        String clientMsgId,
        String body,
        List<MediaRef> media,
        Long replyToSeq,
        long clientTs,
        long edgeTs) {}

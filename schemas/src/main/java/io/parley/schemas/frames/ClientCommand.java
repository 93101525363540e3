package io.parley.schemas.frames;

import java.util.List;

/** A command a client sends over the WebSocket (PROTOCOL.md section 2, client to server). */
public sealed interface ClientCommand {

    /** The client's correlation tag, echoed on the reply or error; may be null. */
    String ref();

    record Join(String ref, String roomId, Long sinceSeq) implements ClientCommand {}

    record Leave(String ref, String roomId) implements ClientCommand {}

    record Send(
            String ref,
            String roomId,
            String clientMsgId,
            String body,
            List<String> mediaIds,
            Long replyToSeq,
            Long clientTs,
            boolean ciphertext)
            implements ClientCommand {}

    /** {@code body} holds the ciphertext when {@code ciphertext} (PROTOCOL.md section 6). */
    record Edit(
            String ref,
            String roomId,
            String clientMsgId,
            long targetSeq,
            String body,
            boolean ciphertext)
            implements ClientCommand {}

    record Delete(String ref, String roomId, String clientMsgId, long targetSeq)
            implements ClientCommand {}

    record React(
            String ref,
            String roomId,
            String clientMsgId,
            long targetSeq,
            String emoji,
            boolean active)
            implements ClientCommand {}

    record Ack(String ref, String roomId, long seq) implements ClientCommand {}

    record Read(String ref, String roomId, long seq) implements ClientCommand {}

    record Typing(String ref, String roomId, boolean active) implements ClientCommand {}

    record Resume(String ref, List<RoomPosition> rooms) implements ClientCommand {}

    record RoomPosition(String roomId, long lastSeq) {}

    record Presence(String ref, String status) implements ClientCommand {}

    record Ping(String ref) implements ClientCommand {}

    /** Device-to-device messages (PROTOCOL.md section 6): at most 100 targets. */
    record ToDevice(String ref, String clientMsgId, List<ToDeviceTarget> messages)
            implements ClientCommand {}

    record ToDeviceTarget(String userId, String deviceId, String ciphertext) {}

    /** The device has handled the waiting {@code to_device} with this id. */
    record ToDeviceAck(String ref, String id) implements ClientCommand {}
}

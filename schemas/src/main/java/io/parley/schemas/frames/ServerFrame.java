package io.parley.schemas.frames;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.parley.schemas.events.MediaRef;
import io.parley.schemas.events.ReceiptUpdate;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.SequencedMessage;
import java.util.List;

/** A frame the server sends over the WebSocket (PROTOCOL.md section 2, server to client). */
@JsonPropertyOrder({"type"})
public sealed interface ServerFrame {

    @JsonProperty("type")
    String type();

    record Joined(String roomId, long lastSeq, long readSeq, String ref) implements ServerFrame {
        public String type() {
            return "joined";
        }
    }

    /** A message; in an encrypted room {@code ciphertext} instead of {@code body} (section 6). */
    record Message(
            String roomId,
            long seq,
            String msgId,
            String senderId,
            String clientMsgId,
            String body,
            List<MediaRef> media,
            Long replyToSeq,
            long ts,
            Long editedTs,
            Boolean deleted,
            List<Reaction> reactions,
            String ciphertext)
            implements ServerFrame {
        public String type() {
            return "message";
        }

        /** The message as sent; history adds its current state with {@link #withState}. */
        public static Message of(SequencedMessage m) {
            List<MediaRef> media = m.media() == null || m.media().isEmpty() ? null : m.media();
            return new Message(
                    m.roomId(),
                    m.seq(),
                    m.msgId(),
                    m.senderId(),
                    m.clientMsgId(),
                    m.ciphertext() ? null : m.body(),
                    media,
                    m.replyToSeq(),
                    m.ts(),
                    null,
                    null,
                    null,
                    m.ciphertext() ? m.body() : null);
        }

        /**
         * Current state (PROTOCOL.md section 4): the latest body (or ciphertext) with {@code
         * edited_ts}, or a tombstone ({@code deleted}, no body, no media, no reactions); reactions
         * otherwise.
         */
        public Message withState(
                String currentBody, Long edited, boolean isDeleted, List<Reaction> current) {
            if (isDeleted) {
                return new Message(
                        roomId,
                        seq,
                        msgId,
                        senderId,
                        clientMsgId,
                        null,
                        null,
                        replyToSeq,
                        ts,
                        null,
                        true,
                        null,
                        null);
            }
            boolean encrypted = ciphertext != null;
            return new Message(
                    roomId,
                    seq,
                    msgId,
                    senderId,
                    clientMsgId,
                    encrypted ? null : currentBody,
                    media,
                    replyToSeq,
                    ts,
                    edited,
                    null,
                    current == null || current.isEmpty() ? null : current,
                    encrypted ? currentBody : null);
        }
    }

    /** The users who reacted to a message with one emoji. */
    record Reaction(String emoji, List<String> userIds) {}

    /** What a room list needs of a room it has not seen (on events outside a joined room). */
    record EventRoom(String kind, String name, boolean encrypted, long lastSeq) {}

    /** A room event (PROTOCOL.md section 4); the fields of its kind are set, the others null. */
    record Event(
            String roomId,
            long seq,
            String eventId,
            String actorId,
            String clientMsgId,
            long ts,
            String kind,
            String roomKind,
            String name,
            Boolean encrypted,
            List<RoomEvent.Member> members,
            String userId,
            String role,
            Long targetSeq,
            String body,
            String emoji,
            Boolean active,
            EventRoom room,
            String ciphertext)
            implements ServerFrame {
        public String type() {
            return "event";
        }

        public static Event of(SequencedMessage m, EventRoom room) {
            RoomEvent e = m.event();
            return new Event(
                    m.roomId(),
                    m.seq(),
                    m.msgId(),
                    m.senderId(),
                    m.clientMsgId(),
                    m.ts(),
                    e.kind(),
                    e.roomKind(),
                    e.name(),
                    e.encrypted(),
                    e.members(),
                    e.userId(),
                    e.role(),
                    e.targetSeq(),
                    m.ciphertext() ? null : e.body(),
                    e.emoji(),
                    e.active(),
                    room,
                    m.ciphertext() ? e.body() : null);
        }
    }

    /** A log entry as its frame: a message, or an event. */
    static ServerFrame entry(SequencedMessage m) {
        return m.isMessage() ? Message.of(m) : Event.of(m, null);
    }

    record Sent(String roomId, String clientMsgId, long seq, String msgId, long ts, String ref)
            implements ServerFrame {
        public String type() {
            return "sent";
        }
    }

    record Receipt(
            String roomId,
            long seq,
            String status,
            String userId,
            long deliveredCount,
            long readCount,
            long memberCount)
            implements ServerFrame {
        public String type() {
            return "receipt";
        }

        public static Receipt of(ReceiptUpdate u) {
            return new Receipt(
                    u.roomId(),
                    u.seq(),
                    u.status().wire(),
                    u.userId(),
                    u.deliveredCount(),
                    u.readCount(),
                    u.memberCount());
        }
    }

    /**
     * The user's read cursor in a room, sent to every connection of the user after a {@code read}
     * on any of their devices (PROTOCOL.md section 5), joined or not.
     */
    record ReadState(String roomId, long readSeq) implements ServerFrame {
        public String type() {
            return "read_state";
        }
    }

    record Typing(String roomId, String userId, boolean active) implements ServerFrame {
        public String type() {
            return "typing";
        }
    }

    record Presence(String userId, String status, Long lastSeen) implements ServerFrame {
        public String type() {
            return "presence";
        }
    }

    record Resumed(String roomId, long lastSeq, String ref) implements ServerFrame {
        public String type() {
            return "resumed";
        }
    }

    /** A {@code to_device} frame was accepted for every target (PROTOCOL.md section 6). */
    record ToDeviceSent(String clientMsgId, String ref) implements ServerFrame {
        public String type() {
            return "to_device_sent";
        }
    }

    /**
     * A device-to-device message waiting for this device until it answers {@code to_device_ack}
     * with its {@code id}; it may come twice, always with the same id.
     */
    record ToDevice(String id, String senderId, String senderDeviceId, String ciphertext)
            implements ServerFrame {
        public String type() {
            return "to_device";
        }
    }

    /** Messages for this device dropped (the oldest) while more than 1,000 waited. */
    record ToDeviceDropped(long count) implements ServerFrame {
        public String type() {
            return "to_device_dropped";
        }
    }

    record Pong(String ref) implements ServerFrame {
        public String type() {
            return "pong";
        }
    }

    record Error(String code, String message, String ref, Long retryAfterMs)
            implements ServerFrame {
        public String type() {
            return "error";
        }

        public static Error of(ErrorCode code, String message, String ref) {
            return new Error(code.wire(), message, ref, null);
        }

        public Error withRetryAfter(long ms) {
            return new Error(code, message, ref, ms);
        }
    }
}

package io.parley.schemas.frames;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.parley.schemas.events.MediaRef;
import io.parley.schemas.events.ReceiptUpdate;
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

    record Message(
            String roomId,
            long seq,
            String msgId,
            String senderId,
            String clientMsgId,
            String body,
            List<MediaRef> media,
            Long replyToSeq,
            long ts)
            implements ServerFrame {
        public String type() {
            return "message";
        }

        public static Message of(SequencedMessage m) {
            List<MediaRef> media = m.media() == null || m.media().isEmpty() ? null : m.media();
            return new Message(
                    m.roomId(),
                    m.seq(),
                    m.msgId(),
                    m.senderId(),
                    m.clientMsgId(),
                    m.body(),
                    media,
                    m.replyToSeq(),
                    m.ts());
        }
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
    }
}

package io.parley.schemas.frames;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.schemas.Json;
import io.parley.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Parses a client text frame into a typed {@link ClientCommand}, or a precise {@code bad_request} /
 * {@code too_large} error carrying the frame's {@code ref} when it could be read. Encodes server
 * frames. Unknown fields are ignored (PROTOCOL.md); an unknown {@code type} is an error.
 */
public final class FrameCodec {
    /** The longest {@code ciphertext} of a send or an edit (PROTOCOL.md section 6: 48 Ki chars). */
    public static final int MAX_CIPHERTEXT_CHARS = 48 * 1024;

    /** Targets of one {@code to_device} frame (PROTOCOL.md section 6). */
    public static final int MAX_TO_DEVICE_TARGETS = 100;

    public static final int MAX_REF_CHARS = 64;
    public static final int MAX_CLIENT_MSG_ID_CHARS = 64;
    public static final int MAX_EMOJI_BYTES = 32;
    private static final Set<String> PRESENCE_STATUSES = Set.of("online", "away");

    private final FrameLimits limits;

    public FrameCodec(FrameLimits limits) {
        this.limits = limits;
    }

    /** The outcome of parsing one frame: exactly one of command and error is set. */
    /**
     * A command, or the error frame for a frame that is not one. {@code malformed} tells a broken
     * frame from a well-formed one of an unknown type, which PROTOCOL.md says is an error frame and
     * not a reason to disconnect (a newer client may send types this server does not know).
     */
    public record Parsed(ClientCommand command, ServerFrame.Error error, boolean malformed) {
        static Parsed ok(ClientCommand command) {
            return new Parsed(command, null, false);
        }

        static Parsed fail(ErrorCode code, String message, String ref) {
            return new Parsed(null, ServerFrame.Error.of(code, message, ref), true);
        }
    }

    /** A well-formed frame whose type this server does not know. */
    private static final class UnknownType extends ProtocolException {
        UnknownType(String message) {
            super(ErrorCode.BAD_REQUEST, message);
        }
    }

    public Parsed parse(String text) {
        if (text.length() > limits.maxFrameChars()) {
            return Parsed.fail(
                    ErrorCode.TOO_LARGE,
                    "frame of " + text.length() + " chars exceeds " + limits.maxFrameChars(),
                    null);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return Parsed.fail(ErrorCode.BAD_REQUEST, "malformed JSON", null);
        }
        if (root == null || !root.isObject()) {
            return Parsed.fail(ErrorCode.BAD_REQUEST, "a frame must be a JSON object", null);
        }
        JsonNode refNode = root.get("ref");
        String ref = null;
        if (refNode != null && !refNode.isNull()) {
            if (!refNode.isTextual() || refNode.asText().length() > MAX_REF_CHARS) {
                return Parsed.fail(
                        ErrorCode.BAD_REQUEST,
                        "ref must be a string of at most " + MAX_REF_CHARS + " chars",
                        null);
            }
            ref = refNode.asText();
        }
        try {
            return Parsed.ok(command(new Fields(root), ref));
        } catch (ProtocolException e) {
            return new Parsed(null, e.toFrame(ref), !(e instanceof UnknownType));
        }
    }

    public String encode(ServerFrame frame) {
        return Json.write(frame);
    }

    private ClientCommand command(Fields f, String ref) {
        String type = f.requiredString("type");
        return switch (type) {
            case "join" -> new ClientCommand.Join(ref, f.roomId(), f.optionalSeq("since_seq"));
            case "leave" -> new ClientCommand.Leave(ref, f.roomId());
            case "send" -> send(f, ref);
            case "edit" -> edit(f, ref);
            case "delete" ->
                    new ClientCommand.Delete(
                            ref, f.roomId(), clientMsgId(f), f.requiredSeq("target_seq"));
            case "react" -> react(f, ref);
            case "ack" -> new ClientCommand.Ack(ref, f.roomId(), f.requiredSeq("seq"));
            case "read" -> new ClientCommand.Read(ref, f.roomId(), f.requiredSeq("seq"));
            case "typing" -> new ClientCommand.Typing(ref, f.roomId(), f.requiredBoolean("active"));
            case "resume" -> resume(f, ref);
            case "presence" -> presence(f, ref);
            case "ping" -> new ClientCommand.Ping(ref);
            case "to_device" -> toDevice(f, ref);
            case "to_device_ack" -> new ClientCommand.ToDeviceAck(ref, f.id("id"));
            default -> throw new UnknownType("unknown type '" + abbreviate(type) + "'");
        };
    }

    private static String clientMsgId(Fields f) {
        String clientMsgId = f.requiredString("client_msg_id");
        if (clientMsgId.isEmpty() || clientMsgId.length() > MAX_CLIENT_MSG_ID_CHARS) {
            throw bad("client_msg_id must be 1-" + MAX_CLIENT_MSG_ID_CHARS + " chars");
        }
        return clientMsgId;
    }

    private String body(Fields f) {
        String body = f.requiredString("body");
        if (body.length() > limits.maxBodyChars()) {
            throw new ProtocolException(
                    ErrorCode.TOO_LARGE,
                    "body of " + body.length() + " chars exceeds " + limits.maxBodyChars());
        }
        return body;
    }

    /**
     * The text of a send or an edit: {@code ciphertext} (base64, at most {@value
     * #MAX_CIPHERTEXT_CHARS} chars, PROTOCOL.md section 6) or {@code body}, never both. Whether the
     * room wants which is the Sequencer's call (it knows the room as of its log).
     */
    private Text text(Fields f) {
        JsonNode c = f.node.get("ciphertext");
        if (c == null || c.isNull()) {
            return new Text(body(f), false);
        }
        if (f.node.hasNonNull("body")) {
            throw bad("send either body or ciphertext, not both");
        }
        return new Text(ciphertext(f), true);
    }

    /** A {@code ciphertext} field: base64, 1 to {@value #MAX_CIPHERTEXT_CHARS} chars. */
    private static String ciphertext(Fields f) {
        String ciphertext = f.requiredString("ciphertext");
        if (ciphertext.length() > MAX_CIPHERTEXT_CHARS) {
            throw new ProtocolException(
                    ErrorCode.TOO_LARGE,
                    "ciphertext of "
                            + ciphertext.length()
                            + " chars exceeds "
                            + MAX_CIPHERTEXT_CHARS);
        }
        if (ciphertext.isEmpty()) {
            throw bad("ciphertext must not be empty");
        }
        try {
            Base64.getDecoder().decode(ciphertext);
        } catch (IllegalArgumentException e) {
            throw bad("ciphertext must be base64");
        }
        return ciphertext;
    }

    /**
     * A {@code to_device}: 1 to {@value #MAX_TO_DEVICE_TARGETS} targets, each a user, a device and
     * a ciphertext; whether the targets exist is the edge's call.
     */
    private ClientCommand.ToDevice toDevice(Fields f, String ref) {
        String clientMsgId = clientMsgId(f);
        JsonNode messages = f.node.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw bad("messages must be a non-empty array of {user_id, device_id, ciphertext}");
        }
        if (messages.size() > MAX_TO_DEVICE_TARGETS) {
            throw new ProtocolException(
                    ErrorCode.TOO_LARGE,
                    "at most " + MAX_TO_DEVICE_TARGETS + " targets per to_device");
        }
        List<ClientCommand.ToDeviceTarget> targets = new ArrayList<>();
        for (JsonNode m : messages) {
            if (!m.isObject()) {
                throw bad("messages must be an array of {user_id, device_id, ciphertext}");
            }
            Fields tf = new Fields(m);
            targets.add(
                    new ClientCommand.ToDeviceTarget(
                            tf.id("user_id"), tf.id("device_id"), ciphertext(tf)));
        }
        return new ClientCommand.ToDevice(ref, clientMsgId, List.copyOf(targets));
    }

    private record Text(String value, boolean ciphertext) {}

    private ClientCommand.Edit edit(Fields f, String ref) {
        String roomId = f.roomId();
        String clientMsgId = clientMsgId(f);
        long target = f.requiredSeq("target_seq");
        Text text = text(f);
        if (text.value().isBlank()) {
            throw bad("body must not be blank");
        }
        return new ClientCommand.Edit(
                ref, roomId, clientMsgId, target, text.value(), text.ciphertext());
    }

    private ClientCommand.React react(Fields f, String ref) {
        String roomId = f.roomId();
        String clientMsgId = clientMsgId(f);
        long target = f.requiredSeq("target_seq");
        String emoji = f.requiredString("emoji");
        int bytes = emoji.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > MAX_EMOJI_BYTES) {
            throw bad("emoji must be 1-" + MAX_EMOJI_BYTES + " bytes of UTF-8");
        }
        return new ClientCommand.React(
                ref, roomId, clientMsgId, target, emoji, f.requiredBoolean("active"));
    }

    private ClientCommand.Send send(Fields f, String ref) {
        String roomId = f.roomId();
        String clientMsgId = clientMsgId(f);
        Text text = text(f);
        List<String> mediaIds = f.optionalStringList("media_ids", limits.maxMediaIds());
        if (text.value().isBlank() && (mediaIds == null || mediaIds.isEmpty())) {
            throw bad("body must not be blank unless media_ids are given");
        }
        Long replyTo = f.optionalSeq("reply_to_seq");
        Long clientTs = f.optionalSeq("client_ts");
        return new ClientCommand.Send(
                ref,
                roomId,
                clientMsgId,
                text.value(),
                mediaIds,
                replyTo,
                clientTs,
                text.ciphertext());
    }

    private ClientCommand.Resume resume(Fields f, String ref) {
        JsonNode rooms = f.node.get("rooms");
        if (rooms == null || !rooms.isArray()) {
            throw bad("rooms must be an array of {room_id, last_seq}");
        }
        if (rooms.size() > limits.maxResumeRooms()) {
            throw bad("at most " + limits.maxResumeRooms() + " rooms per resume");
        }
        List<ClientCommand.RoomPosition> positions = new ArrayList<>();
        for (JsonNode room : rooms) {
            if (!room.isObject()) {
                throw bad("rooms must be an array of {room_id, last_seq}");
            }
            Fields rf = new Fields(room);
            positions.add(new ClientCommand.RoomPosition(rf.roomId(), rf.requiredSeq("last_seq")));
        }
        return new ClientCommand.Resume(ref, List.copyOf(positions));
    }

    private ClientCommand.Presence presence(Fields f, String ref) {
        String status = f.requiredString("status");
        if (!PRESENCE_STATUSES.contains(status)) {
            throw bad("status must be one of " + PRESENCE_STATUSES);
        }
        return new ClientCommand.Presence(ref, status);
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, message);
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }

    /** Typed, checked access to a frame's fields; every failure names the field. */
    private static final class Fields {
        private final JsonNode node;

        Fields(JsonNode node) {
            this.node = node;
        }

        String requiredString(String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                throw bad("missing field '" + name + "'");
            }
            if (!v.isTextual()) {
                throw bad("field '" + name + "' must be a string");
            }
            return v.asText();
        }

        String roomId() {
            return id("room_id");
        }

        /** An id field: 1-64 chars of [A-Za-z0-9_-] (room, user and device ids). */
        String id(String name) {
            String id = requiredString(name);
            if (!Topics.ID.matcher(id).matches()) {
                throw bad(name + " must be 1-64 chars of [A-Za-z0-9_-]");
            }
            return id;
        }

        long requiredSeq(String name) {
            Long v = optionalSeq(name);
            if (v == null) {
                throw bad("missing field '" + name + "'");
            }
            return v;
        }

        Long optionalSeq(String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw bad("field '" + name + "' must be a non-negative integer");
            }
            return v.asLong();
        }

        boolean requiredBoolean(String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                throw bad("missing field '" + name + "'");
            }
            if (!v.isBoolean()) {
                throw bad("field '" + name + "' must be a boolean");
            }
            return v.asBoolean();
        }

        List<String> optionalStringList(String name, int max) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isArray()) {
                throw bad("field '" + name + "' must be an array of strings");
            }
            if (v.size() > max) {
                throw bad("field '" + name + "' has more than " + max + " entries");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : v) {
                if (!e.isTextual() || e.asText().isEmpty() || e.asText().length() > 64) {
                    throw bad("field '" + name + "' must be an array of ids");
                }
                out.add(e.asText());
            }
            return List.copyOf(out);
        }
    }
}

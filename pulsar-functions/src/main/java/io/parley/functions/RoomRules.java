package io.parley.functions;

import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.frames.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rules of PROTOCOL.md section 4, decided against a room's state as of its log: {@code
 * decide(state, lastSeq, command) -> append(entries, next state) | existing(seq) | reject(code)}.
 * The Sequencer applies them in the room's log order, so of two racing changes the second is
 * checked against the state the first left (two admins removing each other: one wins; adds racing
 * the cap: exactly the allowed number land). Pure: no I/O, facts about earlier messages come
 * through {@link Facts}.
 */
public final class RoomRules {
    public static final int MAX_GROUP_MEMBERS = 500;
    public static final int MAX_NAME_CHARS = 100;
    public static final int MAX_EMOJI_BYTES = 32;

    private RoomRules() {}

    /** What the Sequencer knows of an earlier message of the room. */
    public record Fact(String senderId, boolean deleted) {}

    /** Looks up the message at a seq of this room; null when that seq is not a message. */
    @FunctionalInterface
    public interface Facts {
        Fact of(long seq);
    }

    /** One entry to append: by {@code actor}, a message when {@code event} is null. */
    public record Planned(String actor, RoomEvent event) {}

    /** The outcome of a command. */
    public sealed interface Decision {}

    /**
     * Append the entries, in order, from {@code lastSeq + 1}; {@code deletes} is the target seq of
     * a deletion (its fact must be marked).
     */
    public record Append(List<Planned> entries, RoomState next, Long deletes) implements Decision {}

    /** The command's effect is already in the log at {@code seq}: nothing is appended. */
    public record Existing(long seq) implements Decision {}

    /** Refused with a PROTOCOL.md code; takes no seq. */
    public record Reject(ErrorCode code, String message) implements Decision {}

    public static Decision decide(RoomState state, long lastSeq, SendCommand c, Facts facts) {
        RoomEvent e = c.event();
        String actor = c.senderId();
        if (state == null) {
            if (e != null && RoomEvent.ROOM_CREATED.equals(e.kind())) {
                return create(actor, e);
            }
            return new Reject(ErrorCode.FORBIDDEN, "not a member of room " + c.roomId());
        }
        if (e != null && RoomEvent.ROOM_CREATED.equals(e.kind())) {
            return state.isGroup()
                    ? new Reject(ErrorCode.BAD_REQUEST, "room " + c.roomId() + " exists")
                    : new Existing(1);
        }
        if (state.closed() || !state.isMember(actor)) {
            return new Reject(ErrorCode.FORBIDDEN, "not a member of room " + c.roomId());
        }
        boolean carriesText = e == null || RoomEvent.MESSAGE_EDITED.equals(e.kind());
        if (carriesText && c.ciphertext() != state.encrypted()) {
            // decided here, against the room as of its log: never from a lagging projection
            return bad(
                    state.encrypted()
                            ? "room " + c.roomId() + " is end-to-end encrypted: send ciphertext"
                            : "room "
                                    + c.roomId()
                                    + " is not encrypted: send body, not ciphertext");
        }
        if (e == null) {
            return append(new Planned(actor, null), state);
        }
        long seq = lastSeq + 1;
        return switch (e.kind()) {
            case RoomEvent.MEMBER_ADDED -> add(state, seq, actor, e);
            case RoomEvent.MEMBER_REMOVED -> remove(state, actor, e);
            case RoomEvent.ROLE_CHANGED -> changeRole(state, actor, e);
            case RoomEvent.ROOM_RENAMED -> rename(state, actor, e);
            case RoomEvent.MESSAGE_EDITED -> edit(state, actor, e, facts);
            case RoomEvent.MESSAGE_DELETED -> delete(state, actor, e, facts);
            case RoomEvent.REACTION -> react(state, actor, e, facts);
            default -> new Reject(ErrorCode.BAD_REQUEST, "unknown event kind " + e.kind());
        };
    }

    private static Decision create(String actor, RoomEvent e) {
        List<RoomEvent.Member> members = e.members() == null ? List.of() : e.members();
        Set<String> ids = new HashSet<>();
        Map<String, RoomState.MemberState> state = new TreeMap<>();
        for (RoomEvent.Member m : members) {
            if (!ids.add(m.userId())) {
                return bad("member " + m.userId() + " listed twice");
            }
            if (!RoomEvent.ADMIN.equals(m.role()) && !RoomEvent.MEMBER.equals(m.role())) {
                return bad("role must be admin or member");
            }
            state.put(m.userId(), new RoomState.MemberState(m.role(), 1));
        }
        if (!ids.contains(actor)) {
            return bad("the creator must be a member");
        }
        if (RoomEvent.DIRECT.equals(e.roomKind())) {
            if (ids.size() != 2) {
                return bad("a direct room has exactly two members");
            }
            if (state.values().stream().anyMatch(m -> RoomEvent.ADMIN.equals(m.role()))) {
                return bad("both members of a direct room are members");
            }
        } else if (RoomEvent.GROUP.equals(e.roomKind())) {
            if (ids.size() > MAX_GROUP_MEMBERS) {
                return bad("a group has at most " + MAX_GROUP_MEMBERS + " members");
            }
            if (!RoomEvent.ADMIN.equals(state.get(actor).role())) {
                return bad("the creator of a group is its admin");
            }
        } else {
            return bad("kind must be 'direct' or 'group'");
        }
        if (e.name() != null && (e.name().isEmpty() || e.name().length() > MAX_NAME_CHARS)) {
            return bad("name must be 1-" + MAX_NAME_CHARS + " chars");
        }
        boolean encrypted = Boolean.TRUE.equals(e.encrypted());
        RoomState next = new RoomState(e.roomKind(), e.name(), encrypted, false, state);
        RoomEvent normalized = RoomEvent.created(e.roomKind(), e.name(), encrypted, members);
        return append(new Planned(actor, normalized), next);
    }

    private static Decision add(RoomState s, long seq, String actor, RoomEvent e) {
        if (!s.isGroup()) {
            return bad("the members of a direct room cannot change");
        }
        if (!s.isAdmin(actor)) {
            return forbidden("only a group's admins add members");
        }
        RoomState.MemberState existing = s.members().get(e.userId());
        if (existing != null) {
            return new Existing(existing.addedSeq());
        }
        if (s.members().size() >= MAX_GROUP_MEMBERS) {
            return bad("the group is at its cap of " + MAX_GROUP_MEMBERS + " members");
        }
        String role = e.role() == null ? RoomEvent.MEMBER : e.role();
        if (!RoomEvent.ADMIN.equals(role) && !RoomEvent.MEMBER.equals(role)) {
            return bad("role must be admin or member");
        }
        return append(
                new Planned(actor, RoomEvent.memberAdded(e.userId(), role)),
                s.withMember(e.userId(), role, seq));
    }

    private static Decision remove(RoomState s, String actor, RoomEvent e) {
        if (!s.isGroup()) {
            return bad("a direct room cannot be left");
        }
        if (!s.isMember(e.userId())) {
            return new Reject(ErrorCode.NOT_FOUND, e.userId() + " is not a member");
        }
        if (!actor.equals(e.userId()) && !s.isAdmin(actor)) {
            return forbidden("only a group's admins remove others");
        }
        RoomState next = s.without(e.userId());
        List<Planned> entries = new ArrayList<>();
        entries.add(new Planned(actor, RoomEvent.memberRemoved(e.userId())));
        if (!next.closed() && next.adminCount() == 0) {
            String heir = next.successor().orElseThrow();
            next = next.withRole(heir, RoomEvent.ADMIN);
            entries.add(
                    new Planned(
                            RoomEvent.SERVER_ACTOR, RoomEvent.roleChanged(heir, RoomEvent.ADMIN)));
        }
        return new Append(List.copyOf(entries), next, null);
    }

    private static Decision changeRole(RoomState s, String actor, RoomEvent e) {
        if (!s.isGroup()) {
            return bad("a direct room has no roles to change");
        }
        if (!s.isAdmin(actor)) {
            return forbidden("only a group's admins change roles");
        }
        if (!s.isMember(e.userId())) {
            return new Reject(ErrorCode.NOT_FOUND, e.userId() + " is not a member");
        }
        if (!RoomEvent.ADMIN.equals(e.role()) && !RoomEvent.MEMBER.equals(e.role())) {
            return bad("role must be admin or member");
        }
        if (RoomEvent.MEMBER.equals(e.role()) && s.isAdmin(e.userId()) && s.adminCount() == 1) {
            return bad("a group keeps at least one admin");
        }
        return append(
                new Planned(actor, RoomEvent.roleChanged(e.userId(), e.role())),
                s.withRole(e.userId(), e.role()));
    }

    private static Decision rename(RoomState s, String actor, RoomEvent e) {
        if (!s.isGroup()) {
            return bad("a direct room has no name");
        }
        if (!s.isAdmin(actor)) {
            return forbidden("only a group's admins rename it");
        }
        if (e.name() == null || e.name().isEmpty() || e.name().length() > MAX_NAME_CHARS) {
            return bad("name must be 1-" + MAX_NAME_CHARS + " chars");
        }
        return append(new Planned(actor, RoomEvent.renamed(e.name())), s.renamed(e.name()));
    }

    private static Decision edit(RoomState s, String actor, RoomEvent e, Facts facts) {
        Fact target = liveMessage(e, facts);
        if (target == null) {
            return new Reject(ErrorCode.NOT_FOUND, "no message at seq " + e.targetSeq());
        }
        if (!target.senderId().equals(actor)) {
            return forbidden("only its sender edits a message");
        }
        if (e.body() == null || e.body().isBlank()) {
            return bad("body must not be blank");
        }
        return append(new Planned(actor, RoomEvent.edited(e.targetSeq(), e.body())), s);
    }

    private static Decision delete(RoomState s, String actor, RoomEvent e, Facts facts) {
        Fact target = liveMessage(e, facts);
        if (target == null) {
            return new Reject(ErrorCode.NOT_FOUND, "no message at seq " + e.targetSeq());
        }
        if (!target.senderId().equals(actor) && !(s.isGroup() && s.isAdmin(actor))) {
            return forbidden("only its sender or a group's admin deletes a message");
        }
        return new Append(
                List.of(new Planned(actor, RoomEvent.deleted(e.targetSeq()))), s, e.targetSeq());
    }

    private static Decision react(RoomState s, String actor, RoomEvent e, Facts facts) {
        if (liveMessage(e, facts) == null) {
            return new Reject(ErrorCode.NOT_FOUND, "no message at seq " + e.targetSeq());
        }
        int bytes = e.emoji() == null ? 0 : e.emoji().getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > MAX_EMOJI_BYTES) {
            return bad("emoji must be 1-" + MAX_EMOJI_BYTES + " bytes of UTF-8");
        }
        boolean active = !Boolean.FALSE.equals(e.active());
        return append(new Planned(actor, RoomEvent.reaction(e.targetSeq(), e.emoji(), active)), s);
    }

    private static Fact liveMessage(RoomEvent e, Facts facts) {
        if (e.targetSeq() == null || e.targetSeq() < 1) {
            return null;
        }
        Fact f = facts.of(e.targetSeq());
        return f == null || f.deleted() ? null : f;
    }

    private static Append append(Planned entry, RoomState next) {
        return new Append(List.of(entry), next, null);
    }

    private static Reject bad(String message) {
        return new Reject(ErrorCode.BAD_REQUEST, message);
    }

    private static Reject forbidden(String message) {
        return new Reject(ErrorCode.FORBIDDEN, message);
    }
}

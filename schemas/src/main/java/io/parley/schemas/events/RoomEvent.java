package io.parley.schemas.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * The payload of a room event (PROTOCOL.md section 4): a change to a room that is an entry of its
 * log like a message. Which fields are set depends on {@link #kind}; the others are null.
 *
 * @param kind one of the {@code KIND_*} wire names
 * @param roomKind {@code room_created}: direct or group
 * @param name {@code room_created} (optional), {@code room_renamed}
 * @param encrypted {@code room_created}
 * @param members {@code room_created}: every initial member with their role, the creator included
 * @param userId {@code member_added}, {@code member_removed}, {@code role_changed}
 * @param role {@code member_added}, {@code role_changed}: admin or member
 * @param targetSeq {@code message_edited}, {@code message_deleted}, {@code reaction}
 * @param body {@code message_edited}
 * @param emoji {@code reaction}
 * @param active {@code reaction}: true adds the caller's reaction, false removes it
 */
public record RoomEvent(
        String kind,
        String roomKind,
        String name,
        Boolean encrypted,
        List<Member> members,
        String userId,
        String role,
        Long targetSeq,
        String body,
        String emoji,
        Boolean active) {

    public static final String ROOM_CREATED = "room_created";
    public static final String MEMBER_ADDED = "member_added";
    public static final String MEMBER_REMOVED = "member_removed";
    public static final String ROLE_CHANGED = "role_changed";
    public static final String ROOM_RENAMED = "room_renamed";
    public static final String MESSAGE_EDITED = "message_edited";
    public static final String MESSAGE_DELETED = "message_deleted";
    public static final String REACTION = "reaction";

    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";
    public static final String DIRECT = "direct";
    public static final String GROUP = "group";

    /** The actor id of changes the server makes itself (an automatic promotion). */
    public static final String SERVER_ACTOR = "parley";

    /** One member of a room and their role. */
    public record Member(String userId, String role) {}

    public static RoomEvent created(
            String roomKind, String name, boolean encrypted, List<Member> m) {
        return new RoomEvent(
                ROOM_CREATED, roomKind, name, encrypted, m, null, null, null, null, null, null);
    }

    public static RoomEvent memberAdded(String userId, String role) {
        return new RoomEvent(
                MEMBER_ADDED, null, null, null, null, userId, role, null, null, null, null);
    }

    public static RoomEvent memberRemoved(String userId) {
        return new RoomEvent(
                MEMBER_REMOVED, null, null, null, null, userId, null, null, null, null, null);
    }

    public static RoomEvent roleChanged(String userId, String role) {
        return new RoomEvent(
                ROLE_CHANGED, null, null, null, null, userId, role, null, null, null, null);
    }

    public static RoomEvent renamed(String name) {
        return new RoomEvent(
                ROOM_RENAMED, null, name, null, null, null, null, null, null, null, null);
    }

    public static RoomEvent edited(long targetSeq, String body) {
        return new RoomEvent(
                MESSAGE_EDITED, null, null, null, null, null, null, targetSeq, body, null, null);
    }

    public static RoomEvent deleted(long targetSeq) {
        return new RoomEvent(
                MESSAGE_DELETED, null, null, null, null, null, null, targetSeq, null, null, null);
    }

    public static RoomEvent reaction(long targetSeq, String emoji, boolean active) {
        return new RoomEvent(
                REACTION, null, null, null, null, null, null, targetSeq, null, emoji, active);
    }

    /**
     * Whether the event also reaches the users it names (and every member) outside a joined room:
     * PROTOCOL.md section 4, so a room list can follow it.
     */
    @JsonIgnore
    public boolean changesRoomList() {
        return ROOM_CREATED.equals(kind)
                || MEMBER_ADDED.equals(kind)
                || MEMBER_REMOVED.equals(kind)
                || ROOM_RENAMED.equals(kind);
    }

    /** Edits, deletions and reactions: folded into their target message by the read paths. */
    @JsonIgnore
    public boolean targetsMessage() {
        return targetSeq != null;
    }

    /** The users an event names: the initial members, or the added/removed/re-roled user. */
    @JsonIgnore
    public List<String> namedUsers() {
        if (members != null) {
            return members.stream().map(Member::userId).toList();
        }
        return userId == null ? List.of() : List.of(userId);
    }
}

package io.parley.functions;

import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.RoomInfo;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A room as of its log: what the rules of PROTOCOL.md section 4 are checked against. Immutable;
 * every change returns a new state. Kept in the Sequencer's room record, so it is exactly as
 * durable as the seq that produced it.
 *
 * @param members user id -> role and the seq of their {@code member_added} (1 for initial members)
 * @param closed the last member left: nothing more is appended
 */
public record RoomState(
        String kind,
        String name,
        boolean encrypted,
        boolean closed,
        Map<String, MemberState> members) {

    /** A member's role and when they joined. */
    public record MemberState(String role, long addedSeq) {}

    public RoomState {
        members = members == null ? Map.of() : Map.copyOf(new TreeMap<>(members));
    }

    public boolean isGroup() {
        return RoomEvent.GROUP.equals(kind);
    }

    public boolean isMember(String userId) {
        return members.containsKey(userId);
    }

    public boolean isAdmin(String userId) {
        MemberState m = members.get(userId);
        return m != null && RoomEvent.ADMIN.equals(m.role());
    }

    public long adminCount() {
        return members.values().stream().filter(m -> RoomEvent.ADMIN.equals(m.role())).count();
    }

    public RoomInfo info() {
        return new RoomInfo(kind, name, encrypted);
    }

    RoomState withMember(String userId, String role, long addedSeq) {
        Map<String, MemberState> next = new TreeMap<>(members);
        next.put(userId, new MemberState(role, addedSeq));
        return new RoomState(kind, name, encrypted, closed, next);
    }

    RoomState withRole(String userId, String role) {
        return withMember(userId, role, members.get(userId).addedSeq());
    }

    RoomState without(String userId) {
        Map<String, MemberState> next = new TreeMap<>(members);
        next.remove(userId);
        return new RoomState(kind, name, encrypted, next.isEmpty(), next);
    }

    RoomState renamed(String newName) {
        return new RoomState(kind, newName, encrypted, closed, members);
    }

    /** The member who becomes admin when the last one leaves: lowest added seq, then user id. */
    Optional<String> successor() {
        return members.entrySet().stream()
                .min(
                        Comparator.<Map.Entry<String, MemberState>>comparingLong(
                                        e -> e.getValue().addedSeq())
                                .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey);
    }
}

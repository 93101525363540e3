package io.parley.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.frames.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoomRulesTest {
    private static final RoomRules.Facts NO_MESSAGES = seq -> null;

    private static SendCommand by(String actor, RoomEvent e) {
        return SendCommand.event("r", actor, null, "gw", "c", e, 1);
    }

    private static RoomState group(Map<String, String> roles) {
        RoomState s = new RoomState("group", "g", false, false, Map.of());
        long seq = 1;
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(roles).entrySet()) {
            s = s.withMember(e.getKey(), e.getValue(), seq++);
        }
        return s;
    }

    private static RoomRules.Decision decide(RoomState s, String actor, RoomEvent e) {
        return RoomRules.decide(s, 10, by(actor, e), NO_MESSAGES);
    }

    private static ErrorCode rejected(RoomRules.Decision d) {
        assertThat(d).isInstanceOf(RoomRules.Reject.class);
        return ((RoomRules.Reject) d).code();
    }

    private static RoomState next(RoomRules.Decision d) {
        assertThat(d).isInstanceOf(RoomRules.Append.class);
        return ((RoomRules.Append) d).next();
    }

    @Test
    void shouldMakeTheCreatorOfAGroupItsAdminAndRequireExactlyTwoInADirectRoom() {
        RoomEvent group =
                RoomEvent.created(
                        "group",
                        "team",
                        false,
                        List.of(
                                new RoomEvent.Member("alice", "admin"),
                                new RoomEvent.Member("bob", "member")));
        RoomState s = next(decide(null, "alice", group));
        assertThat(s.isAdmin("alice")).isTrue();
        assertThat(s.isMember("bob")).isTrue();

        RoomEvent direct3 =
                RoomEvent.created(
                        "direct",
                        null,
                        false,
                        List.of(
                                new RoomEvent.Member("alice", "member"),
                                new RoomEvent.Member("bob", "member"),
                                new RoomEvent.Member("carol", "member")));
        assertThat(rejected(decide(null, "alice", direct3))).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void shouldAnswerAnExistingDirectRoomWithSeqOneAndLogNothing() {
        RoomState direct =
                new RoomState(
                        "direct",
                        null,
                        false,
                        false,
                        Map.of(
                                "alice", new RoomState.MemberState("member", 1),
                                "bob", new RoomState.MemberState("member", 1)));
        RoomEvent again =
                RoomEvent.created(
                        "direct",
                        null,
                        false,
                        List.of(
                                new RoomEvent.Member("alice", "member"),
                                new RoomEvent.Member("bob", "member")));

        assertThat(decide(direct, "bob", again)).isEqualTo(new RoomRules.Existing(1));
    }

    @Test
    void shouldCreateAGroupOfExactly500ButNot501() {
        List<RoomEvent.Member> members = new ArrayList<>();
        members.add(new RoomEvent.Member("u0", "admin"));
        for (int i = 1; i < RoomRules.MAX_GROUP_MEMBERS; i++) {
            members.add(new RoomEvent.Member("u" + i, "member"));
        }
        assertThat(
                        next(decide(null, "u0", RoomEvent.created("group", "big", false, members)))
                                .members())
                .hasSize(500);

        members.add(new RoomEvent.Member("u500", "member"));
        assertThat(rejected(decide(null, "u0", RoomEvent.created("group", "big", false, members))))
                .isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void shouldLetOnlyAdminsAddAndRefuseAddsPastTheCap() {
        RoomState s = group(Map.of("alice", "admin", "bob", "member"));

        assertThat(rejected(decide(s, "bob", RoomEvent.memberAdded("carol", null))))
                .isEqualTo(ErrorCode.FORBIDDEN);
        RoomState added = next(decide(s, "alice", RoomEvent.memberAdded("carol", null)));
        assertThat(added.members().get("carol")).isEqualTo(new RoomState.MemberState("member", 11));
        assertThat(decide(added, "alice", RoomEvent.memberAdded("carol", null)))
                .isEqualTo(new RoomRules.Existing(11));

        RoomState full = s;
        for (int i = 0; full.members().size() < RoomRules.MAX_GROUP_MEMBERS; i++) {
            full = full.withMember("u" + i, "member", 20 + i);
        }
        assertThat(rejected(decide(full, "alice", RoomEvent.memberAdded("late", null))))
                .isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void shouldLetAMemberLeaveButOnlyAdminsRemoveOthers() {
        RoomState s = group(Map.of("alice", "admin", "bob", "member", "carol", "member"));

        assertThat(rejected(decide(s, "bob", RoomEvent.memberRemoved("alice"))))
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(next(decide(s, "bob", RoomEvent.memberRemoved("bob"))).isMember("bob"))
                .isFalse();
        assertThat(rejected(decide(s, "alice", RoomEvent.memberRemoved("dave"))))
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(rejected(decide(s, "dave", RoomEvent.memberRemoved("bob"))))
                .isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void shouldPromoteTheEarliestMemberWhenTheLastAdminLeaves() {
        RoomState s =
                new RoomState("group", "g", false, false, Map.of())
                        .withMember("alice", "admin", 1)
                        .withMember("zed", "member", 1)
                        .withMember("bob", "member", 5);

        RoomRules.Decision d = decide(s, "alice", RoomEvent.memberRemoved("alice"));

        RoomRules.Append a = (RoomRules.Append) d;
        assertThat(a.entries()).hasSize(2);
        assertThat(a.entries().get(1))
                .isEqualTo(
                        new RoomRules.Planned(
                                RoomEvent.SERVER_ACTOR, RoomEvent.roleChanged("zed", "admin")));
        assertThat(a.next().isAdmin("zed")).isTrue();
    }

    @Test
    void shouldCloseTheRoomWhenTheLastMemberLeaves() {
        RoomState s = group(Map.of("alice", "admin"));

        RoomState closed = next(decide(s, "alice", RoomEvent.memberRemoved("alice")));

        assertThat(closed.closed()).isTrue();
        assertThat(rejected(decide(closed, "alice", RoomEvent.renamed("x"))))
                .isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void shouldRefuseToDemoteTheLastAdmin() {
        RoomState s = group(Map.of("alice", "admin", "bob", "member"));

        assertThat(rejected(decide(s, "alice", RoomEvent.roleChanged("alice", "member"))))
                .isEqualTo(ErrorCode.BAD_REQUEST);
        RoomState two = next(decide(s, "alice", RoomEvent.roleChanged("bob", "admin")));
        assertThat(
                        next(decide(two, "alice", RoomEvent.roleChanged("alice", "member")))
                                .isAdmin("alice"))
                .isFalse();
    }

    @Test
    void shouldOrderTwoAdminsRemovingEachOtherSoOnlyTheFirstSucceeds() {
        RoomState s = group(Map.of("alice", "admin", "bob", "admin", "carol", "member"));

        RoomState after = next(decide(s, "alice", RoomEvent.memberRemoved("bob")));

        assertThat(rejected(decide(after, "bob", RoomEvent.memberRemoved("alice"))))
                .isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void shouldKeepDirectRoomsAtTwoMembersWithoutNamesOrRoles() {
        RoomState direct =
                new RoomState("direct", null, false, false, Map.of())
                        .withMember("alice", "member", 1)
                        .withMember("bob", "member", 1);

        assertThat(rejected(decide(direct, "alice", RoomEvent.memberAdded("carol", null))))
                .isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(rejected(decide(direct, "alice", RoomEvent.memberRemoved("alice"))))
                .isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(rejected(decide(direct, "alice", RoomEvent.renamed("x"))))
                .isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void shouldLetOnlyAdminsRenameWithinOneToAHundredChars() {
        RoomState s = group(Map.of("alice", "admin", "bob", "member"));

        assertThat(rejected(decide(s, "bob", RoomEvent.renamed("x"))))
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(rejected(decide(s, "alice", RoomEvent.renamed("x".repeat(101)))))
                .isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(next(decide(s, "alice", RoomEvent.renamed("new"))).name()).isEqualTo("new");
    }

    @Test
    void shouldLetOnlyTheSenderEditAndTheSenderOrAnAdminDelete() {
        RoomState s = group(Map.of("alice", "admin", "bob", "member", "carol", "member"));
        RoomRules.Facts facts =
                seq ->
                        seq == 3
                                ? new RoomRules.Fact("bob", false)
                                : seq == 4 ? new RoomRules.Fact("bob", true) : null;

        assertThat(rejected(RoomRules.decide(s, 9, by("carol", RoomEvent.edited(3, "x")), facts)))
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(RoomRules.decide(s, 9, by("bob", RoomEvent.edited(3, "x")), facts))
                .isInstanceOf(RoomRules.Append.class);
        assertThat(rejected(RoomRules.decide(s, 9, by("bob", RoomEvent.edited(4, "x")), facts)))
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(rejected(RoomRules.decide(s, 9, by("bob", RoomEvent.edited(5, "x")), facts)))
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(rejected(RoomRules.decide(s, 9, by("carol", RoomEvent.deleted(3)), facts)))
                .isEqualTo(ErrorCode.FORBIDDEN);
        RoomRules.Decision byAdmin =
                RoomRules.decide(s, 9, by("alice", RoomEvent.deleted(3)), facts);
        assertThat(((RoomRules.Append) byAdmin).deletes()).isEqualTo(3);
    }

    @Test
    void shouldLogEveryReactionToALiveMessageAndCheckTheEmoji() {
        RoomState s = group(Map.of("alice", "admin", "bob", "member"));
        RoomRules.Facts facts = seq -> seq == 3 ? new RoomRules.Fact("alice", false) : null;

        assertThat(RoomRules.decide(s, 9, by("bob", RoomEvent.reaction(3, "👍", false)), facts))
                .isInstanceOf(RoomRules.Append.class);
        assertThat(
                        rejected(
                                RoomRules.decide(
                                        s, 9, by("bob", RoomEvent.reaction(2, "👍", true)), facts)))
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(
                        rejected(
                                RoomRules.decide(
                                        s,
                                        9,
                                        by("bob", RoomEvent.reaction(3, "x".repeat(33), true)),
                                        facts)))
                .isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void shouldRefuseCommandsOfNonMembersAndToRoomsNotCreated() {
        RoomState s = group(Map.of("alice", "admin"));

        assertThat(
                        rejected(
                                RoomRules.decide(
                                        s,
                                        1,
                                        new SendCommand(
                                                "r", "eve", "d", "gw", "c", "hi", null, null, 1, 1),
                                        NO_MESSAGES)))
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(rejected(decide(null, "alice", RoomEvent.renamed("x"))))
                .isEqualTo(ErrorCode.FORBIDDEN);
    }

    private static SendCommand message(String actor, boolean ciphertext) {
        return new SendCommand(
                "r", actor, "d", "gw", "c", "text", null, null, 1, 1, null, ciphertext);
    }

    @Test
    void shouldTakeOnlyCiphertextInAnEncryptedRoomAndOnlyBodiesInAPlainOne() {
        RoomState encrypted =
                new RoomState("group", "g", true, false, Map.of())
                        .withMember("alice", "admin", 1)
                        .withMember("bob", "member", 1);
        RoomState plain = group(Map.of("alice", "admin", "bob", "member"));
        RoomRules.Facts facts = seq -> seq == 3 ? new RoomRules.Fact("bob", false) : null;

        assertThat(RoomRules.decide(encrypted, 9, message("bob", true), facts))
                .isInstanceOf(RoomRules.Append.class);
        assertThat(rejected(RoomRules.decide(encrypted, 9, message("bob", false), facts)))
                .isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(rejected(RoomRules.decide(plain, 9, message("bob", true), facts)))
                .isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(RoomRules.decide(plain, 9, message("bob", false), facts))
                .isInstanceOf(RoomRules.Append.class);
        // an edit follows its room the same way; a deletion or a reaction carries no text
        SendCommand cipherEdit =
                SendCommand.event("r", "bob", "d", "gw", "c", RoomEvent.edited(3, "AAEC"), 1, true);
        assertThat(RoomRules.decide(encrypted, 9, cipherEdit, facts))
                .isInstanceOf(RoomRules.Append.class);
        assertThat(
                        rejected(
                                RoomRules.decide(
                                        encrypted, 9, by("bob", RoomEvent.edited(3, "x")), facts)))
                .isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(RoomRules.decide(encrypted, 9, by("bob", RoomEvent.deleted(3)), facts))
                .isInstanceOf(RoomRules.Append.class);
    }
}

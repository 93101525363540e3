package io.parley.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.SessionEntry;
import io.parley.schemas.events.DeviceRef;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {
    private static final long NOW = 10_000;

    private final Map<String, Set<String>> members = new HashMap<>();
    private final Map<String, Set<String>> rooms = new HashMap<>();
    private final Map<String, Map<String, SessionEntry>> sessions = new HashMap<>();
    private final Map<String, Long> lastSeq = new HashMap<>();

    private final Router router =
            new Router(
                    new Directory() {
                        @Override
                        public Set<String> members(String roomId) {
                            return members.getOrDefault(roomId, Set.of());
                        }

                        @Override
                        public Set<String> roomsOf(String userId) {
                            return rooms.getOrDefault(userId, Set.of());
                        }

                        @Override
                        public Map<String, Map<String, SessionEntry>> sessions(
                                Collection<String> userIds) {
                            return sessions;
                        }

                        @Override
                        public void apply(
                                String roomId,
                                long seq,
                                io.parley.schemas.events.RoomEvent event,
                                io.parley.schemas.events.RoomInfo room) {}

                        @Override
                        public void spoke(String userId, String roomId) {}

                        @Override
                        public void raiseLastSeq(String roomId, long seq) {
                            lastSeq.merge(roomId, seq, Math::max);
                        }
                    });

    @Test
    void shouldGroupLiveDevicesByGatewayAndReportOfflineMembers() {
        members.put("r", Set.of("alice", "bob", "carol"));
        sessions.put(
                "alice",
                Map.of(
                        "phone",
                        new SessionEntry("gw1", NOW + 1),
                        "web",
                        new SessionEntry("gw2", NOW + 1)));
        sessions.put("bob", Map.of("phone", new SessionEntry("gw1", NOW + 1)));
        sessions.put("carol", Map.of("old", new SessionEntry("gw1", NOW - 1)));

        DeliveryPlan plan = router.forRoom("r", NOW);

        assertThat(plan.byGateway().get("gw1"))
                .containsExactlyInAnyOrder(
                        new DeviceRef("alice", "phone"), new DeviceRef("bob", "phone"));
        assertThat(plan.byGateway().get("gw2")).containsExactly(new DeviceRef("alice", "web"));
        assertThat(plan.offlineUsers()).containsExactly("carol");
    }

    @Test
    void shouldPlanAMessageForEveryMemberAndRaiseTheRoomsLastSeq() {
        members.put("r", Set.of("alice", "bob"));
        sessions.put("alice", Map.of("phone", new SessionEntry("gw1", NOW + 1)));
        lastSeq.put("r", 9L);

        DeliveryPlan plan = router.forMessage("r", 7, NOW);
        router.forMessage("r", 12, NOW);

        assertThat(plan.byGateway()).containsOnlyKeys("gw1");
        assertThat(plan.offlineUsers()).containsExactly("bob");
        assertThat(lastSeq).containsEntry("r", 12L);
    }

    @Test
    void shouldSendPresenceToPeersOfEveryRoomButNotTheUser() {
        members.put("r1", Set.of("alice", "bob"));
        members.put("r2", Set.of("alice", "dave"));
        rooms.put("alice", Set.of("r1", "r2"));
        sessions.put("bob", Map.of("d", new SessionEntry("gw1", NOW + 1)));
        sessions.put("dave", Map.of("d", new SessionEntry("gw2", NOW + 1)));
        sessions.put("alice", Map.of("d", new SessionEntry("gw1", NOW + 1)));

        DeliveryPlan plan = router.forPeersOf("alice", NOW);

        assertThat(plan.byGateway())
                .containsOnlyKeys("gw1", "gw2")
                .containsEntry("gw1", List.of(new DeviceRef("bob", "d")))
                .containsEntry("gw2", List.of(new DeviceRef("dave", "d")));
    }

    @Test
    void shouldRouteAnEntryToTheMembersAndTheUsersItNames() {
        members.put("r", Set.of("alice"));
        sessions.put("alice", Map.of("phone", new SessionEntry("gw1", NOW + 1)));
        sessions.put("bob", Map.of("web", new SessionEntry("gw2", NOW + 1)));

        DeliveryPlan plan = router.forEntry("r", 7, Set.of("bob"), NOW);

        assertThat(plan.byGateway().keySet()).containsExactly("gw1", "gw2");
        assertThat(lastSeq.get("r")).isEqualTo(7);
    }
}

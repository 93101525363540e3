package io.parley.crash;

import io.parley.clients.ParleyClient;
import io.parley.clients.ParleyHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The chat under test: {@code rooms} group rooms of {@code members} users each, every user on one
 * WebSocket of the edge, the steady {@link Load} over them and the {@link Ledger} of all they saw.
 */
final class Chat implements AutoCloseable {
    final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
    final Ledger ledger = new Ledger();
    final List<Member> members = new ArrayList<>();
    final Map<String, List<Member>> byRoom = new LinkedHashMap<>();
    final Probes probes;
    final Load load;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final ParleyClient client;
    private final ExecutorService connector = Executors.newFixedThreadPool(8);

    private Chat(Settings s, RunClock clock) throws Exception {
        ParleyHttp http = new ParleyHttp(s.url());
        probes = new Probes(http);
        client = new ParleyClient(s.url());
        for (int r = 0; r < s.rooms(); r++) {
            List<String> users = new ArrayList<>();
            for (int m = 0; m < s.members(); m++) {
                String user = "cm" + run + "r" + r + "u" + m;
                users.add(user);
                tokens.put(user, http.devToken(user));
            }
            String room =
                    http.createRoom(
                            tokens.get(users.get(0)),
                            "group",
                            "crash " + run + " " + r,
                            users.subList(1, users.size()));
            List<Member> inRoom = new ArrayList<>();
            for (String user : users) {
                ledger.member(room, user);
                inRoom.add(
                        new Member(user, room, tokens.get(user), client, ledger, clock, connector));
            }
            byRoom.put(room, inRoom);
            members.addAll(inRoom);
        }
        load = new Load(members, clock, run);
    }

    /** Users and rooms made, every member connected and resumed (within a minute). */
    static Chat open(Settings s, RunClock clock) throws Exception {
        Chat chat = new Chat(s, clock);
        if (!Waits.until(Duration.ofSeconds(60), chat::allLive)) {
            chat.close();
            throw new IllegalStateException("not every member connected and resumed within 60 s");
        }
        return chat;
    }

    boolean allLive() {
        return members.stream().allMatch(m -> m.state() == Member.State.LIVE);
    }

    int pendingSends() {
        return members.stream().mapToInt(m -> m.outbox.size()).sum();
    }

    List<Heal.ClientTimes> times() {
        return members.stream().map(Member::times).toList();
    }

    String token(String user) {
        return tokens.get(user);
    }

    /** A member's token, to read a room's history and search as a member of it. */
    String tokenIn(String room) {
        return tokens.get(byRoom.get(room).get(0).user);
    }

    /** Error frames all members received, by code. */
    Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        members.forEach(m -> m.errors().forEach((k, v) -> out.merge(k, v, Long::sum)));
        return out;
    }

    @Override
    public void close() throws Exception {
        load.close();
        members.forEach(Member::close);
        connector.shutdownNow();
        client.close();
    }
}

package io.parley.crash;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One member of a room on one WebSocket, behaving as PROTOCOL.md asks of a client: it resumes its
 * room from its last contiguous seq on every (re)connection, keeps its unticked sends in an {@link
 * Outbox} and retries them under the same {@code client_msg_id}, pings, and reconnects (backoff 200
 * ms doubling to 1 s) when the socket closes or goes silent. Every frame goes to the {@link
 * Ledger}. {@link #tick} is driven by one scheduler; frames arrive on Jetty's threads.
 */
final class Member {
    static final long PING_MS = 5_000;
    static final long SILENT_MS = 20_000;
    static final long RESUME_AGAIN_MS = 15_000;
    static final long RETRY_MS = 3_000;

    enum State {
        DOWN,
        CONNECTING,
        RESUMING,
        LIVE
    }

    final String user;
    final String room;
    private final String token;
    private final ParleyClient client;
    private final Ledger ledger;
    private final LongSupplier clock;
    private final ExecutorService connector;
    final Outbox outbox = new Outbox(10, RETRY_MS);

    private final List<Long> disconnects = new ArrayList<>();
    private final List<Long> resumes = new ArrayList<>();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private ParleyClient.Connection connection;
    private State state = State.DOWN;
    private long nextConnectAt;
    private long backoffMs = 200;
    private long lastFrameAt;
    private long lastPingAt;
    private long resumeAt = Long.MAX_VALUE;
    private long resumeSentAt;

    Member(
            String user,
            String room,
            String token,
            ParleyClient client,
            Ledger ledger,
            LongSupplier clock,
            ExecutorService connector) {
        this.user = user;
        this.room = room;
        this.token = token;
        this.client = client;
        this.ledger = ledger;
        this.clock = clock;
        this.connector = connector;
    }

    /** A new message from this member: kept (false if its outbox is full) and sent if connected. */
    synchronized boolean send(String clientMsgId, String word, long now) {
        String body = "crash " + word;
        if (!outbox.offer(clientMsgId, body, now)) {
            return false;
        }
        ledger.created(new Ledger.SendKey(room, user, clientMsgId), word, now);
        transmitDue(now);
        return true;
    }

    /** Connection upkeep: notice a lost socket, reconnect, resume again, ping, retry due sends. */
    synchronized void tick(long now) {
        if (state == State.CONNECTING) {
            return;
        }
        if (state != State.DOWN && !connection.isOpen()) {
            lost(now);
        }
        if (state == State.DOWN) {
            if (now >= nextConnectAt) {
                state = State.CONNECTING;
                connector.execute(this::connect);
            }
            return;
        }
        if (now - lastFrameAt > SILENT_MS) {
            connection.close();
            lost(now);
            return;
        }
        if (state == State.RESUMING && (now >= resumeAt || now - resumeSentAt > RESUME_AGAIN_MS)) {
            resume(now);
        }
        if (now - lastPingAt > PING_MS) {
            lastPingAt = now;
            connection.send(Map.of("type", "ping", "ref", "ping"));
        }
        transmitDue(now);
    }

    private void connect() {
        ParleyClient.Connection c = null;
        try {
            c = client.connect(token, "crash", this::onFrame);
        } catch (Exception e) {
            // the edge is down or not listening yet: try again after the backoff
        }
        synchronized (this) {
            long now = clock.getAsLong();
            if (c == null) {
                state = State.DOWN;
                nextConnectAt = now + backoffMs;
                backoffMs = Math.min(1_000, backoffMs * 2);
                return;
            }
            connection = c;
            backoffMs = 200;
            lastFrameAt = now;
            lastPingAt = now;
            outbox.reconnected(now);
            resume(now);
        }
    }

    private void resume(long now) {
        state = State.RESUMING;
        resumeSentAt = now;
        resumeAt = Long.MAX_VALUE;
        long last = ledger.contiguous(user, room);
        connection.send(
                Map.of(
                        "type",
                        "resume",
                        "ref",
                        "resume",
                        "rooms",
                        List.of(Map.of("room_id", room, "last_seq", last))));
    }

    private void lost(long now) {
        disconnects.add(now);
        state = State.DOWN;
        nextConnectAt = now;
    }

    private void transmitDue(long now) {
        if (state != State.RESUMING && state != State.LIVE) {
            return;
        }
        for (Outbox.Pending p : outbox.due(now)) {
            connection.send(
                    Map.of(
                            "type",
                            "send",
                            "room_id",
                            room,
                            "client_msg_id",
                            p.clientMsgId,
                            "body",
                            p.body,
                            "ref",
                            p.clientMsgId));
        }
    }

    private void onFrame(JsonNode f) {
        long now = clock.getAsLong();
        String type = f.path("type").asText();
        switch (type) {
            case "message" ->
                    ledger.received(
                            user,
                            f.path("room_id").asText(),
                            f.path("seq").asLong(),
                            f.path("msg_id").asText(),
                            f.path("sender_id").asText(),
                            f.path("client_msg_id").asText(null));
            case "event" ->
                    ledger.received(
                            user,
                            f.path("room_id").asText(),
                            f.path("seq").asLong(),
                            f.path("event_id").asText(),
                            f.path("actor_id").asText(null),
                            f.path("client_msg_id").asText(null));
            case "sent" -> {
                String cmid = f.path("client_msg_id").asText();
                Outbox.Pending p = outbox.acked(cmid);
                ledger.acked(
                        new Ledger.SendKey(f.path("room_id").asText(), user, cmid),
                        f.path("seq").asLong(),
                        f.path("msg_id").asText(),
                        now,
                        p == null ? 0 : p.tries);
            }
            default -> {}
        }
        synchronized (this) {
            lastFrameAt = now;
            if (type.equals("resumed") && state == State.RESUMING) {
                state = State.LIVE;
                resumes.add(now);
            } else if (type.equals("error")) {
                error(f, now);
            }
        }
    }

    private void error(JsonNode f, long now) {
        String code = f.path("code").asText();
        String ref = f.path("ref").asText("");
        errors.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
        if (ref.equals("resume")) {
            resumeAt = now + 1_000;
        } else if (!ref.isEmpty() && !ref.equals("ping")) {
            outbox.retryAt(ref, now + Math.max(500, f.path("retry_after_ms").asLong(0)));
        }
    }

    synchronized State state() {
        return state;
    }

    synchronized Heal.ClientTimes times() {
        return new Heal.ClientTimes(List.copyOf(disconnects), List.copyOf(resumes));
    }

    /** Error frames received, by code. */
    Map<String, Long> errors() {
        Map<String, Long> out = new java.util.TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    synchronized void close() {
        if (connection != null) {
            connection.close();
        }
    }
}

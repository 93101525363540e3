package io.parley.crash;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyClient;
import io.parley.clients.ParleyHttp;
import java.util.ArrayList;
import java.util.List;

/** The HTTP side a client reads after an outage: history pages, search, and {@code /healthz}. */
final class Probes {
    private final ParleyHttp http;

    Probes(ParleyHttp http) {
        this.http = http;
    }

    /**
     * History entries of a room with {@code from <= seq <= to}, read newest first in pages of 200;
     * null when the edge did not answer 200 (a read to try again).
     */
    List<Ledger.HistoryEntry> history(String token, String room, long from, long to) {
        List<Ledger.HistoryEntry> out = new ArrayList<>();
        long before = to + 1;
        while (true) {
            JsonNode page =
                    get(
                            "/v1/history?room_id="
                                    + q(room)
                                    + "&before_seq="
                                    + before
                                    + "&limit=200",
                            token);
            if (page == null) {
                return null;
            }
            for (JsonNode m : page.path("messages")) {
                out.add(
                        new Ledger.HistoryEntry(
                                m.path("seq").asLong(),
                                m.path("msg_id").asText(),
                                m.path("sender_id").asText(null),
                                m.path("client_msg_id").asText(null)));
            }
            for (JsonNode e : page.path("events")) {
                out.add(
                        new Ledger.HistoryEntry(
                                e.path("seq").asLong(),
                                e.path("event_id").asText(),
                                e.path("actor_id").asText(null),
                                e.path("client_msg_id").asText(null)));
            }
            JsonNode next = page.path("next_before_seq");
            if (next.isMissingNode() || next.isNull() || next.asLong() <= from) {
                return out;
            }
            before = next.asLong();
        }
    }

    /** Whether {@code GET /v1/search?q=word} (as a member of the room) finds the message. */
    boolean finds(String token, String word, String msgId) {
        JsonNode hits = get("/v1/search?q=" + q(word) + "&limit=5", token);
        if (hits == null) {
            return false;
        }
        for (JsonNode h : hits.path("hits")) {
            if (msgId.equals(h.path("msg_id").asText())) {
                return true;
            }
        }
        return false;
    }

    /** One {@code /healthz}: answered at {@code clock} after the call, ok when 200. */
    Heal.HealthSample healthz(java.util.function.LongSupplier clock) {
        long asked = clock.getAsLong();
        boolean ok;
        try {
            ok = http.call("GET", "/healthz", null, null).status() == 200;
        } catch (Exception e) {
            ok = false;
        }
        long answered = clock.getAsLong();
        return new Heal.HealthSample(answered, ok, answered - asked);
    }

    /** The body of a 200, waiting out up to three {@code 429}s; null for anything else. */
    private JsonNode get(String path, String token) {
        try {
            for (int i = 0; ; i++) {
                ParleyHttp.Reply r = http.call("GET", path, token, null);
                if (r.status() == 200) {
                    return r.body();
                }
                if (r.status() != 429 || i == 3) {
                    return null;
                }
                long wait =
                        r.body() == null ? 1_000 : r.body().path("retry_after_ms").asLong(1_000);
                Waits.pause(java.time.Duration.ofMillis(Math.min(5_000, Math.max(100, wait))));
            }
        } catch (Exception e) {
            return null;
        }
    }

    private static String q(String s) {
        return ParleyClient.q(s);
    }
}

package io.parley.crash;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the clients made, were ticked, received, and history answered, checked against
 * PROTOCOL.md's delivery rules: a room seq names one entry wherever it is seen (tick, live, replay,
 * history); a send {@code (room, sender, client_msg_id)} has one seq however often it was retried;
 * every acked send reaches every member and history; no member holds a gap. Thread-safe; times are
 * milliseconds on the run's clock.
 */
final class Ledger {
    /** A send's identity: PROTOCOL.md's idempotency key. */
    record SendKey(String room, String sender, String clientMsgId) {}

    /** A send as its client saw it; {@code ackedAt} -1 until its tick, {@code tries} until it. */
    record Timing(
            SendKey key,
            String word,
            long createdAt,
            long ackedAt,
            long seq,
            String msgId,
            int tries) {
        boolean acked() {
            return ackedAt >= 0;
        }
    }

    /**
     * An entry of {@code GET /v1/history}: a message (with its sender and client id) or an event.
     */
    record HistoryEntry(long seq, String id, String sender, String clientMsgId) {}

    private static final int SHOWN = 10;

    private final Map<String, Map<Long, String>> idBySeq = new HashMap<>();
    private final Map<SendKey, Long> seqByKey = new HashMap<>();
    private final Map<SendKey, Timing> sends = new LinkedHashMap<>();
    private final Map<String, Set<String>> membersByRoom = new LinkedHashMap<>();
    private final Map<String, BitSet> received = new HashMap<>();
    private final Set<String> violations = new LinkedHashSet<>();

    synchronized void member(String room, String user) {
        membersByRoom.computeIfAbsent(room, r -> new LinkedHashSet<>()).add(user);
    }

    synchronized void created(SendKey key, String word, long at) {
        sends.put(key, new Timing(key, word, at, -1, 0, null, 0));
    }

    /**
     * A {@code sent} (for a send transmitted {@code tries} times): the first fixes the send's seq
     * and ack time; later ones must agree.
     */
    synchronized void acked(SendKey key, long seq, String msgId, long at, int tries) {
        entry(key.room(), seq, msgId, "sent to " + key.sender());
        sameSeq(key, seq, "sent");
        Timing t = sends.get(key);
        if (t == null) {
            violations.add("sent for a send never made: " + key);
        } else if (!t.acked()) {
            sends.put(key, new Timing(key, t.word(), t.createdAt(), at, seq, msgId, tries));
        }
    }

    /**
     * A {@code message} or {@code event} frame at a member (sender and client id null for events
     * without one).
     */
    synchronized void received(
            String member, String room, long seq, String id, String sender, String clientMsgId) {
        entry(room, seq, id, "frame at " + member);
        if (sender != null && clientMsgId != null) {
            sameSeq(new SendKey(room, sender, clientMsgId), seq, "frame at " + member);
        }
        received.computeIfAbsent(member + "\u0000" + room, k -> new BitSet())
                .set(Math.toIntExact(seq));
    }

    /** The highest seq up to which the member holds every entry of the room. */
    synchronized long contiguous(String member, String room) {
        BitSet b = received.get(member + "\u0000" + room);
        return b == null ? 0 : b.nextClearBit(1) - 1;
    }

    /** Sends made at or after {@code since}, in the order they were made. */
    synchronized List<Timing> sendsSince(long since) {
        List<Timing> out = new ArrayList<>();
        for (Timing t : sends.values()) {
            if (t.createdAt() >= since) {
                out.add(t);
            }
        }
        return out;
    }

    synchronized List<Timing> unacked() {
        return sends.values().stream().filter(t -> !t.acked()).toList();
    }

    /** Acked seqs some member of their room does not hold, as lines (the first few) and a count. */
    synchronized List<String> missingAtMembers() {
        List<String> out = new ArrayList<>();
        int count = 0;
        for (Timing t : sends.values()) {
            if (!t.acked()) {
                continue;
            }
            for (String m : membersByRoom.getOrDefault(t.key().room(), Set.of())) {
                BitSet b = received.get(m + "\u0000" + t.key().room());
                if (b == null || !b.get(Math.toIntExact(t.seq()))) {
                    if (count++ < SHOWN) {
                        out.add(m + " lacks seq " + t.seq() + " of " + t.key().room());
                    }
                }
            }
        }
        if (count > SHOWN) {
            out.add("... " + (count - SHOWN) + " more");
        }
        return out;
    }

    /** Seqs below a member's highest that the member never received. */
    synchronized List<String> gaps() {
        List<String> out = new ArrayList<>();
        received.forEach(
                (k, b) -> {
                    int top = b.length() - 1;
                    int missing = top - b.get(1, top + 1).cardinality();
                    if (missing > 0) {
                        out.add(
                                k.replace('\u0000', '@')
                                        + " misses "
                                        + missing
                                        + " seqs below "
                                        + top
                                        + ", first "
                                        + b.nextClearBit(1));
                    }
                });
        return out;
    }

    /**
     * Checks a room's history (pages of {@code seq >= 1}) against the ledger: every entry is the
     * one seen elsewhere, seqs are dense from 1, and every acked send of the room is there under
     * its seq. Returns the problems (empty when it holds).
     */
    synchronized List<String> checkHistory(String room, Collection<HistoryEntry> history) {
        Map<Long, HistoryEntry> bySeq = new HashMap<>();
        for (HistoryEntry e : history) {
            entry(room, e.seq(), e.id(), "history");
            if (e.sender() != null && e.clientMsgId() != null) {
                sameSeq(new SendKey(room, e.sender(), e.clientMsgId()), e.seq(), "history");
            }
            bySeq.put(e.seq(), e);
        }
        List<String> out = new ArrayList<>();
        long top = bySeq.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        long holes = 0;
        for (long s = 1; s <= top; s++) {
            if (!bySeq.containsKey(s)) {
                holes++;
            }
        }
        if (holes > 0) {
            out.add("history of " + room + " misses " + holes + " seqs below " + top);
        }
        out.addAll(missingFromHistory(room, sends.values(), bySeq));
        return out;
    }

    /**
     * Which of {@code wanted} (acked sends) a history read does not hold; all of them if unacked.
     */
    synchronized List<String> missingFromHistory(
            String room, Collection<Timing> wanted, Map<Long, HistoryEntry> bySeq) {
        List<String> out = new ArrayList<>();
        int count = 0;
        for (Timing t : wanted) {
            if (!t.key().room().equals(room)) {
                continue;
            }
            Timing now = sends.get(t.key());
            HistoryEntry e = now == null || !now.acked() ? null : bySeq.get(now.seq());
            if (e == null || !e.id().equals(now.msgId())) {
                if (count++ < SHOWN) {
                    out.add(
                            now == null || !now.acked()
                                    ? t.key() + " not acked"
                                    : "history of " + room + " lacks seq " + now.seq());
                }
            }
        }
        if (count > SHOWN) {
            out.add("... " + (count - SHOWN) + " more");
        }
        return out;
    }

    synchronized Set<String> members(String room) {
        return Set.copyOf(membersByRoom.getOrDefault(room, Set.of()));
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    private void entry(String room, long seq, String id, String where) {
        String before = idBySeq.computeIfAbsent(room, r -> new HashMap<>()).putIfAbsent(seq, id);
        if (before != null && !before.equals(id)) {
            violations.add(
                    "seq "
                            + seq
                            + " of "
                            + room
                            + " names two entries: "
                            + before
                            + " and "
                            + id
                            + " ("
                            + where
                            + ")");
        }
    }

    private void sameSeq(SendKey key, long seq, String where) {
        Long before = seqByKey.putIfAbsent(key, seq);
        if (before != null && before != seq) {
            violations.add(
                    "send "
                            + key
                            + " has seq "
                            + before
                            + " and "
                            + seq
                            + " ("
                            + where
                            + "): a retry got a new seq");
        }
    }
}

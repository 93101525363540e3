package io.parley.crash;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * After the last fault: no new sends, then every send ticked, every member live with every acked
 * seq, each room's whole history matching the ledger, and no violation recorded on the way.
 */
final class FinalCheck {
    private static final long HISTORY_TOP = 1_000_000_000L;
    private static final Duration HISTORY_AGAIN = Duration.ofSeconds(2);

    private final Chat chat;

    FinalCheck(Chat chat) {
        this.chat = chat;
    }

    /** The problems found; each wait is bounded by {@code drain}. */
    List<String> run(Duration drain) {
        chat.load.stopSending();
        List<String> out = new ArrayList<>();
        if (!Waits.until(drain, () -> chat.pendingSends() == 0 && chat.allLive())) {
            out.add(
                    "not every send ticked / member live "
                            + drain
                            + " after the load stopped: "
                            + chat.pendingSends()
                            + " pending");
        }
        chat.ledger.unacked().stream().limit(10).forEach(t -> out.add("never ticked: " + t.key()));
        if (!Waits.until(drain, () -> chat.ledger.missingAtMembers().isEmpty())) {
            out.addAll(chat.ledger.missingAtMembers());
        }
        out.addAll(chat.ledger.gaps());
        for (String room : chat.byRoom.keySet()) {
            out.addAll(wholeHistory(room, drain));
        }
        out.addAll(chat.ledger.violations());
        return out;
    }

    /**
     * The room's whole history checked against the ledger every 2 s (a read is ~30 pages: more
     * often would run into the history budget) until it holds or {@code drain} passes; the problems
     * of the last read that answered.
     */
    private List<String> wholeHistory(String room, Duration drain) {
        long deadline = System.nanoTime() + drain.toNanos();
        List<String> last = List.of("history of " + room + " never answered");
        while (true) {
            List<Ledger.HistoryEntry> h =
                    chat.probes.history(chat.tokenIn(room), room, 1, HISTORY_TOP);
            if (h != null) {
                last = chat.ledger.checkHistory(room, h);
                if (last.isEmpty()) {
                    return last;
                }
            }
            if (System.nanoTime() > deadline) {
                return last;
            }
            Waits.pause(HISTORY_AGAIN);
        }
    }
}

package io.parley.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerTest {
    static final Ledger.SendKey A1 = new Ledger.SendKey("r", "alice", "a1");
    static final Ledger.SendKey A2 = new Ledger.SendKey("r", "alice", "a2");

    /** Room r with alice and bob, created (seq 1), alice's a1 acked at seq 2. */
    static Ledger roomWithOneSend() {
        Ledger l = new Ledger();
        l.member("r", "alice");
        l.member("r", "bob");
        for (String m : List.of("alice", "bob")) {
            l.received(m, "r", 1, "ev1", "alice", null);
        }
        l.created(A1, "w1", 100);
        l.acked(A1, 2, "m2", 150, 1);
        return l;
    }

    @Test
    void shouldHoldWhenEveryMemberHasEveryAckedSend() {
        Ledger l = roomWithOneSend();
        l.received("alice", "r", 2, "m2", "alice", "a1");
        l.received("bob", "r", 2, "m2", "alice", "a1");

        assertThat(l.missingAtMembers()).isEmpty();
        assertThat(l.gaps()).isEmpty();
        assertThat(l.violations()).isEmpty();
        assertThat(l.contiguous("bob", "r")).isEqualTo(2);
    }

    @Test
    void shouldNameTheMemberThatLacksAnAckedSend() {
        Ledger l = roomWithOneSend();
        l.received("alice", "r", 2, "m2", "alice", "a1");

        assertThat(l.missingAtMembers()).containsExactly("bob lacks seq 2 of r");
    }

    @Test
    void shouldReportAGapBelowWhatAMemberHolds() {
        Ledger l = roomWithOneSend();
        l.received("bob", "r", 3, "m3", "carol", "c1");

        assertThat(l.gaps()).singleElement().asString().contains("bob@r misses 1 seqs below 3");
        assertThat(l.contiguous("bob", "r")).isEqualTo(1);
    }

    @Test
    void shouldAcceptTheSameEntryTwiceAcrossAReconnect() {
        Ledger l = roomWithOneSend();
        l.received("bob", "r", 2, "m2", "alice", "a1");
        l.received("bob", "r", 2, "m2", "alice", "a1");
        l.acked(A1, 2, "m2", 900, 1);

        assertThat(l.violations()).isEmpty();
        assertThat(l.sendsSince(0))
                .singleElement()
                .satisfies(t -> assertThat(t.ackedAt()).isEqualTo(150));
    }

    @Test
    void shouldFlagARetryThatGotANewSeq() {
        Ledger l = roomWithOneSend();
        l.acked(A1, 3, "m3", 200, 1);

        assertThat(l.violations()).anySatisfy(v -> assertThat(v).contains("a retry got a new seq"));
    }

    @Test
    void shouldFlagASeqGivenToTwoSends() {
        Ledger l = roomWithOneSend();
        l.created(A2, "w2", 120);
        l.acked(A2, 2, "m2b", 160, 1);

        assertThat(l.violations())
                .anySatisfy(v -> assertThat(v).contains("seq 2 of r names two entries"));
    }

    @Test
    void shouldFlagASendDeliveredUnderASecondSeq() {
        Ledger l = roomWithOneSend();
        l.received("bob", "r", 3, "m3", "alice", "a1");

        assertThat(l.violations()).anySatisfy(v -> assertThat(v).contains("has seq 2 and 3"));
    }

    @Test
    void shouldListSendsNeverAcked() {
        Ledger l = roomWithOneSend();
        l.created(A2, "w2", 120);

        assertThat(l.unacked()).extracting(Ledger.Timing::key).containsExactly(A2);
    }

    @Test
    void shouldCheckAWholeHistoryForHolesAndAckedSends() {
        Ledger l = roomWithOneSend();
        List<Ledger.HistoryEntry> whole =
                List.of(
                        new Ledger.HistoryEntry(2, "m2", "alice", "a1"),
                        new Ledger.HistoryEntry(1, "ev1", "alice", null));
        assertThat(l.checkHistory("r", whole)).isEmpty();

        assertThat(l.checkHistory("r", List.of(new Ledger.HistoryEntry(2, "m2", "alice", "a1"))))
                .containsExactly("history of r misses 1 seqs below 2");
        assertThat(l.checkHistory("r", List.of(new Ledger.HistoryEntry(1, "ev1", "alice", null))))
                .containsExactly("history of r lacks seq 2");
    }

    @Test
    void shouldFindAnOutageCohortInAPartialHistoryRead() {
        Ledger l = roomWithOneSend();
        List<Ledger.Timing> cohort = l.sendsSince(0);

        assertThat(l.missingFromHistory("r", cohort, Map.of()))
                .containsExactly("history of r lacks seq 2");
        assertThat(
                        l.missingFromHistory(
                                "r",
                                cohort,
                                Map.of(2L, new Ledger.HistoryEntry(2, "m2", "alice", "a1"))))
                .isEmpty();
    }
}

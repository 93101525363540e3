package io.parley.edge.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.events.SequencedMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeqMergerTest {
    private static SequencedMessage m(long seq) {
        return new SequencedMessage(
                "r", seq, "id" + seq, "a", "d", "gw", "c" + seq, "b", null, null, 0, 0, 0);
    }

    private static List<Long> seqs(List<SequencedMessage> ms) {
        return ms.stream().map(SequencedMessage::seq).toList();
    }

    @Test
    void shouldEmitContiguousMessagesAndDropDuplicates() {
        SeqMerger merger = new SeqMerger(0, 0);

        assertThat(seqs(merger.accept(m(1)))).containsExactly(1L);
        assertThat(seqs(merger.accept(m(1)))).isEmpty();
        assertThat(seqs(merger.accept(m(2)))).containsExactly(2L);
        assertThat(merger.gap()).isNull();
    }

    @Test
    void shouldHoldLiveMessagesAheadOfAGapUntilTheReplayFillsIt() {
        // Given a client that has seq 3 while the room is at 6
        SeqMerger merger = new SeqMerger(3, 6);
        assertThat(merger.gap()).containsExactly(4, 6);

        // When live 7 and 8 arrive before the replay of 4..6
        assertThat(merger.accept(m(7))).isEmpty();
        assertThat(merger.accept(m(8))).isEmpty();
        assertThat(merger.gap()).containsExactly(4, 6);
        List<SequencedMessage> out = new java.util.ArrayList<>();
        out.addAll(merger.accept(m(5)));
        out.addAll(merger.accept(m(4)));
        out.addAll(merger.accept(m(6)));
        out.addAll(merger.accept(m(7)));

        // Then everything comes out once, in order, and nothing is missing
        assertThat(seqs(out)).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(merger.gap()).isNull();
        assertThat(merger.heldCount()).isZero();
    }

    @Test
    void shouldReportAGapOpenedByLiveTrafficAlone() {
        SeqMerger merger = new SeqMerger(10, 10);

        merger.accept(m(13));

        assertThat(merger.gap()).containsExactly(11, 12);
    }

    @Test
    void shouldTreatSeqsUpToARaisedTargetAsAGap() {
        // Given a stream registered at 5 that missed live 6 while it was being registered
        SeqMerger merger = new SeqMerger(5, 5);
        assertThat(merger.gap()).isNull();

        // When the room's last seq, read again, says 6
        merger.raiseTarget(6);
        merger.raiseTarget(4);

        // Then 6 is fetched as a gap, and delivered once it comes
        assertThat(merger.gap()).containsExactly(6, 6);
        assertThat(seqs(merger.accept(m(6)))).containsExactly(6L);
        assertThat(merger.gap()).isNull();
    }
}

package io.parley.clients.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqTrackerTest {
    @Test
    void shouldCountLossesDuplicatesAndReordering() {
        SeqTracker t = new SeqTracker();
        for (long seq : new long[] {1, 2, 4, 3, 4, 6}) {
            t.accept(seq);
        }

        assertThat(t.missing(1, 7)).isEqualTo(2); // 5 and 7
        assertThat(t.duplicates()).isEqualTo(1);
        assertThat(t.outOfOrder()).isEqualTo(1);
        assertThat(t.received()).isEqualTo(6);
    }
}

package io.parley.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.schemas.events.SequencedMessage;
import org.junit.jupiter.api.Test;

class FanOutTest {
    private static SequencedMessage message(String body) {
        return new SequencedMessage(
                "r", 4, "m4", "alice", "d", "gw", "c", body, null, null, 9, 9, 9);
    }

    @Test
    void shouldPreviewAPlainMessageButNothingOfCiphertext() {
        assertThat(FanOut.pushFor(message("lunch at noon?"), "bob").preview())
                .isEqualTo("lunch at noon?");
        assertThat(FanOut.pushFor(message("x".repeat(150)), "bob").preview()).hasSize(100);

        String ciphertext = "q83vEjRWeJCrze8SNFZ4kA==";
        assertThat(FanOut.pushFor(message(ciphertext).withCiphertext(true), "bob").preview())
                .isEqualTo(FanOut.ENCRYPTED_PREVIEW)
                .doesNotContain(ciphertext);
    }
}

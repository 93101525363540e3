package io.parley.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTokenTest {

    @Test
    void shouldAcceptOnlyItsOwnBearerToken() {
        LocalToken token = LocalToken.generate();

        assertThat(token.accepts("Bearer " + token.value())).isTrue();
        assertThat(token.accepts(null)).isFalse();
        assertThat(token.accepts(token.value())).isFalse();
        assertThat(token.accepts("Bearer ")).isFalse();
        assertThat(token.accepts("Bearer " + LocalToken.generate().value())).isFalse();
        assertThat(token.value()).hasSizeGreaterThanOrEqualTo(43); // 32 bytes, base64url
    }

    @Test
    void shouldWriteAFileOnlyItsUserCanReadAndReplaceThePreviousToken(@TempDir Path home)
            throws Exception {
        Path file = LocalToken.file(home.toString());
        LocalToken first = LocalToken.generate();
        LocalToken second = LocalToken.generate();

        first.writeTo(file);
        second.writeTo(file);

        assertThat(file).isEqualTo(home.resolve("run/flink-token"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(LocalToken.readOrEmpty(file)).isEqualTo(second.value());
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file);
        }
    }

    @Test
    void shouldReadNothingWhenNoClusterWroteAToken(@TempDir Path home) throws Exception {
        assertThat(LocalToken.readOrEmpty(LocalToken.file(home.toString()))).isEmpty();
    }
}

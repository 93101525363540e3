package io.parley.flink.push;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedirectingTransportTest {
    @Test
    void shouldSendFcmRequestsToTheConfiguredEndpointOnly() {
        assertThat(
                        RedirectingTransport.rewrite(
                                "https://fcm.googleapis.com/v1/projects/p/messages:send",
                                "http://127.0.0.1:8090"))
                .isEqualTo("http://127.0.0.1:8090/v1/projects/p/messages:send");
        assertThat(RedirectingTransport.rewrite("https://oauth2.googleapis.com/token", "http://x"))
                .isEqualTo("https://oauth2.googleapis.com/token");
    }
}

package io.parley.flink.pulsar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The few Pulsar admin REST calls the jobs need, over the JDK HTTP client: the connector's Pulsar
 * client is 3.0 and its admin classes are not meant to be used beside it.
 */
public final class PulsarAdminRest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Message id (-1, -1): the broker's "earliest", found without reading any entry. */
    private static final String EARLIEST = "{\"ledgerId\":-1,\"entryId\":-1,\"partitionIndex\":-1}";

    private final String adminUrl;
    private final HttpClient http;

    public PulsarAdminRest(String adminUrl) {
        this.adminUrl =
                adminUrl.endsWith("/") ? adminUrl.substring(0, adminUrl.length() - 1) : adminUrl;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** A position in a topic's ledgers, as the broker prints it ("ledger:entry"). */
    public record Position(long ledgerId, long entryId) {
        static Position parse(String text) {
            int colon = text.indexOf(':');
            return new Position(
                    Long.parseLong(text.substring(0, colon)),
                    Long.parseLong(text.substring(colon + 1)));
        }
    }

    /**
     * The mark-delete position of a subscription (everything up to and including it is
     * acknowledged), or empty when the topic or the subscription does not exist.
     */
    public Optional<Position> markDeletePosition(String topic, String subscription) {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(uri(topic, "/internalStats")).GET());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        requireOk(response, "internalStats of " + topic);
        try {
            JsonNode cursor = MAPPER.readTree(response.body()).path("cursors").path(subscription);
            JsonNode position = cursor.path("markDeletePosition");
            return position.isTextual()
                    ? Optional.of(Position.parse(position.asText()))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable internalStats of " + topic, e);
        }
    }

    /**
     * Moves a subscription so that the next message it delivers is the first one published at or
     * after {@code timestamp}, or the earliest retained message for {@code timestamp == 0}; creates
     * the subscription first if it does not exist. No consumer should be connected: the broker
     * disconnects them.
     */
    public void resetCursor(String topic, String subscription, long timestamp) {
        String sub = "/subscription/" + URLEncoder.encode(subscription, StandardCharsets.UTF_8);
        HttpResponse<String> reset = sendReset(topic, sub, timestamp);
        if (reset.statusCode() == 404) {
            // no subscription (or no topic) yet: create it at the earliest message, then reset
            HttpResponse<String> created =
                    send(
                            HttpRequest.newBuilder(uri(topic, sub))
                                    .header("Content-Type", "application/json")
                                    .PUT(HttpRequest.BodyPublishers.ofString(EARLIEST)));
            if (created.statusCode() != 409) {
                requireOk(created, "create subscription " + subscription + " on " + topic);
            }
            reset = sendReset(topic, sub, timestamp);
        }
        requireOk(reset, "reset " + subscription + " on " + topic + " to " + timestamp);
    }

    private HttpResponse<String> sendReset(String topic, String sub, long timestamp) {
        // earliest by message id; a time by the broker's search over publish times
        HttpRequest.Builder request =
                timestamp == 0
                        ? HttpRequest.newBuilder(uri(topic, sub + "/resetcursor"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(EARLIEST))
                        : HttpRequest.newBuilder(uri(topic, sub + "/resetcursor/" + timestamp))
                                .POST(HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> response = send(request);
        // a broker that is (re)loading the topic answers 5xx for a moment: try twice more
        for (int attempt = 1; attempt < 3 && response.statusCode() >= 500; attempt++) {
            pause(Duration.ofSeconds(attempt));
            response = send(request);
        }
        return response;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private URI uri(String topic, String suffix) {
        // persistent://tenant/namespace/name -> /admin/v2/persistent/tenant/namespace/name
        String path = topic.replace("://", "/");
        return URI.create(adminUrl + "/admin/v2/" + path + suffix);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(
                    request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Pulsar admin at " + adminUrl + " unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void requireOk(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    what + " failed: HTTP " + response.statusCode() + " " + response.body());
        }
    }
}

package io.parley.flink;

import io.parley.flink.jobs.ParleyJob;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code Replay <job> --from earliest|<epoch-ms>|<ISO-8601 instant> [--control <url>]}: asks the
 * running local cluster (its control endpoint, default {@code
 * http://127.0.0.1:$PARLEY_FLINK_CONTROL_PORT}) to stop the job, reset the job's subscription on
 * its input topic to that point and start the job again without state. Same as {@code curl -X POST
 * '127.0.0.1:8089/replay?job=persistence&from=earliest'}.
 */
public final class Replay {
    private Replay() {}

    public static void main(String[] args) throws Exception {
        String job = null;
        String from = null;
        String control = "http://127.0.0.1:" + ParleyConfig.fromEnv().controlPort();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--from" -> from = args[++i];
                case "--control" -> control = args[++i];
                default -> job = args[i];
            }
        }
        if (job == null || from == null) {
            System.err.println(
                    "usage: Replay <"
                            + ParleyJob.ids().replace(", ", "|")
                            + "> --from earliest|<epoch-ms>");
            System.exit(2);
        }
        parseFrom(from);
        URI uri =
                URI.create(
                        control
                                + "/replay?job="
                                + URLEncoder.encode(job, StandardCharsets.UTF_8)
                                + "&from="
                                + URLEncoder.encode(from, StandardCharsets.UTF_8));
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(uri)
                                        .timeout(Duration.ofMinutes(2))
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        System.out.print(response.body());
        if (response.statusCode() != 200) {
            System.exit(1);
        }
    }

    /** {@code earliest} = 0, else epoch milliseconds or an ISO-8601 instant. */
    public static long parseFrom(String from) {
        if (from.equalsIgnoreCase("earliest")) {
            return 0;
        }
        try {
            long ms = Long.parseLong(from);
            if (ms < 0) {
                throw new IllegalArgumentException("from must not be negative: " + from);
            }
            return ms;
        } catch (NumberFormatException notANumber) {
            try {
                return Instant.parse(from).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "from must be earliest, epoch milliseconds or an ISO-8601 instant: "
                                + from);
            }
        }
    }
}

package io.parley.clients.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyClient;
import io.parley.clients.e2ee.E2eeException;
import io.parley.clients.e2ee.RoomCipher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Opens N real WebSocket connections over M group rooms, sends at a fixed total rate for a fixed
 * time, and prints throughput, send->sent and send->deliver latency percentiles, and the counts of
 * lost, duplicated and out-of-order messages by seq.
 *
 * <p>Options: {@code --url http://127.0.0.1:8088 --connections 200 --rooms 20 --rate 500 --duration
 * 60 --drain 10}.
 */
public final class LoadGenerator {
    private final String url;
    private final int connections;
    private final int rooms;
    private final int rate;
    private final int durationSeconds;
    private final int drainSeconds;
    private final boolean encrypted;

    /**
     * In an encrypted run, each member's sender key per room (docs/e2ee.md): made here and handed
     * to the other members in-process, so the figures are the cost of encrypting, carrying and
     * decrypting every message, not of the one-off key exchange.
     */
    private final Map<String, RoomCipher.SenderKey> senderKeys = new ConcurrentHashMap<>();

    private final AtomicLong undecryptable = new AtomicLong();

    private final Recorder sendToSent = new Recorder(3);
    private final Recorder sendToDeliver = new Recorder(3);
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final AtomicLong sends = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Map<String, long[]> roomSeqRange = new ConcurrentHashMap<>();

    LoadGenerator(
            String url,
            int connections,
            int rooms,
            int rate,
            int durationSeconds,
            int drainSeconds,
            boolean encrypted) {
        this.url = url;
        this.connections = connections;
        this.rooms = rooms;
        this.rate = rate;
        this.durationSeconds = durationSeconds;
        this.drainSeconds = drainSeconds;
        this.encrypted = encrypted;
    }

    /**
     * {@code --encrypted false} (default), {@code true} (encrypted rooms), or {@code both}: a plain
     * run and an encrypted one with the same shape, in one process, and their ratio ({@code --first
     * encrypted} runs the encrypted one first, since the first run finds a colder stack).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String mode = o.getOrDefault("encrypted", "false");
        boolean encryptedFirst = o.getOrDefault("first", "plain").equals("encrypted");
        List<Result> results = new ArrayList<>();
        for (boolean encrypted :
                mode.equals("both")
                        ? (encryptedFirst ? List.of(true, false) : List.of(false, true))
                        : List.of(Boolean.parseBoolean(mode))) {
            results.add(
                    new LoadGenerator(
                                    o.getOrDefault("url", "http://127.0.0.1:8088"),
                                    Integer.parseInt(o.getOrDefault("connections", "200")),
                                    Integer.parseInt(o.getOrDefault("rooms", "20")),
                                    Integer.parseInt(o.getOrDefault("rate", "500")),
                                    Integer.parseInt(o.getOrDefault("duration", "60")),
                                    Integer.parseInt(o.getOrDefault("drain", "10")),
                                    encrypted)
                            .run());
        }
        if (results.size() == 2) {
            Result p = results.get(encryptedFirst ? 1 : 0);
            Result e = results.get(encryptedFirst ? 0 : 1);
            System.out.printf(
                    "%nencrypted / plain: send->deliver p50 %.2fx  p99 %.2fx; load generator cpu"
                            + " %.2fx (%.3f vs %.3f cores); frame %d vs %d chars%n",
                    e.deliverP50() / p.deliverP50(),
                    e.deliverP99() / p.deliverP99(),
                    e.clientCores() / p.clientCores(),
                    e.clientCores(),
                    p.clientCores(),
                    e.frameChars(),
                    p.frameChars());
        }
        System.exit(0);
    }

    /** The figures of one run, for the comparison of a plain and an encrypted one. */
    record Result(double deliverP50, double deliverP99, double clientCores, int frameChars) {}

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return o;
    }

    private record Member(
            int index, String room, ParleyClient.Connection connection, SeqTracker tracker) {}

    Result run() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        int perRoom = connections / rooms;
        System.out.printf(
                "bench %s: %d connections in %d %srooms of %d, %d msg/s for %d s against %s%n",
                run,
                connections,
                rooms,
                encrypted ? "encrypted " : "",
                perRoom,
                rate,
                durationSeconds,
                url);
        try (ParleyClient client = new ParleyClient(url)) {
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                tokens.add(client.devToken("b" + run + "u" + i));
            }
            List<String> roomIds = new ArrayList<>();
            for (int r = 0; r < rooms; r++) {
                List<String> members = new ArrayList<>();
                for (int k = 1; k < perRoom; k++) {
                    members.add("b" + run + "u" + (r * perRoom + k));
                }
                roomIds.add(
                        client.call(
                                        "POST",
                                        "/v1/rooms",
                                        tokens.get(r * perRoom),
                                        Map.of(
                                                "kind",
                                                "group",
                                                "name",
                                                "bench " + r,
                                                "members",
                                                members,
                                                "encrypted",
                                                encrypted))
                                .path("room_id")
                                .asText());
            }
            List<Member> all = new ArrayList<>();
            java.util.concurrent.CountDownLatch joined =
                    new java.util.concurrent.CountDownLatch(rooms * perRoom);
            for (int i = 0; i < rooms * perRoom; i++) {
                String room = roomIds.get(i / perRoom);
                SeqTracker tracker = new SeqTracker();
                ParleyClient.Connection[] self = new ParleyClient.Connection[1];
                self[0] = client.connect(tokens.get(i), "bench", f -> onFrame(f, tracker, joined));
                self[0].send(Map.of("type", "join", "room_id", room));
                all.add(new Member(i, room, self[0], tracker));
            }
            if (!joined.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every connection joined within 60 s");
            }
            System.out.printf("all %d connections joined; sending%n", all.size());

            ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
            long periodNanos = 1_000_000_000L / rate;
            long cpuBefore = processCpuNanos();
            int[] frameChars = {0};
            AtomicLong counter = new AtomicLong();
            long start = System.nanoTime();
            sender.scheduleAtFixedRate(
                    () -> {
                        long n = counter.getAndIncrement();
                        Member m = all.get((int) (n % all.size()));
                        String cmid = run + "-" + n;
                        long now = System.nanoTime();
                        sentAt.put(cmid, now);
                        Map<String, Object> frame =
                                new java.util.HashMap<>(
                                        Map.of(
                                                "type",
                                                "send",
                                                "room_id",
                                                m.room(),
                                                "client_msg_id",
                                                cmid));
                        if (encrypted) {
                            frame.put("ciphertext", encrypt(run, m, "t=" + now));
                        } else {
                            frame.put("body", "t=" + now);
                        }
                        frameChars[0] = io.parley.schemas.Json.write(frame).length();
                        m.connection().send(frame);
                        sends.incrementAndGet();
                    },
                    0,
                    periodNanos,
                    TimeUnit.NANOSECONDS);
            Histogram interval = null;
            for (int s = 1; s <= durationSeconds; s++) {
                Thread.sleep(1000);
                if (s % 10 == 0) {
                    System.out.printf(
                            "  %3d s: sent %d, acked %d, delivered %d%n",
                            s, sends.get(), acks.get(), deliveries.get());
                }
            }
            sender.shutdownNow();
            double elapsed = (System.nanoTime() - start) / 1e9;
            // wait for every send's tick and for every member to hold every acked seq: a total
            // count of deliveries can be reached while some members still miss the last ones
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
            while (System.nanoTime() < waitUntil
                    && (acks.get() < sends.get() || missing(all) > 0)) {
                Thread.sleep(100);
            }
            double cores = (processCpuNanos() - cpuBefore) / 1e9 / elapsed;
            report(all, perRoom, elapsed);
            System.out.printf("  load generator cpu %.3f cores%n", cores);
            all.forEach(m -> m.connection().close());
            Histogram deliver = lastDeliver;
            return new Result(ms(deliver, 50), ms(deliver, 99), cores, frameChars[0]);
        }
    }

    private Histogram lastDeliver;

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String user(String run, int index) {
        return "b" + run + "u" + index;
    }

    private String encrypt(String run, Member m, String body) {
        String sender = user(run, m.index());
        RoomCipher.SenderKey key =
                senderKeys.computeIfAbsent(
                        m.room() + "|" + sender, k -> RoomCipher.SenderKey.generate());
        try {
            return RoomCipher.encrypt(m.room(), sender, "bench", key, body);
        } catch (E2eeException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body of a received message: decrypted in an encrypted run (null if it cannot be). */
    private String bodyOf(JsonNode f) {
        if (!f.hasNonNull("ciphertext")) {
            return f.path("body").asText();
        }
        String room = f.path("room_id").asText();
        String sender = f.path("sender_id").asText();
        RoomCipher.SenderKey key = senderKeys.get(room + "|" + sender);
        try {
            return key == null
                    ? null
                    : RoomCipher.decrypt(room, sender, key.key(), f.path("ciphertext").asText());
        } catch (E2eeException e) {
            return null;
        }
    }

    private void onFrame(
            JsonNode f, SeqTracker tracker, java.util.concurrent.CountDownLatch joined) {
        long now = System.nanoTime();
        switch (f.path("type").asText()) {
            case "joined" -> joined.countDown();
            case "sent" -> {
                Long at = sentAt.get(f.path("client_msg_id").asText());
                if (at != null) {
                    sendToSent.recordValue(Math.max(0, (now - at) / 1000));
                }
                acks.incrementAndGet();
                roomSeqRange.compute(
                        f.path("room_id").asText(),
                        (r, range) -> {
                            long seq = f.path("seq").asLong();
                            return range == null
                                    ? new long[] {seq, seq}
                                    : new long[] {Math.min(range[0], seq), Math.max(range[1], seq)};
                        });
            }
            case "message" -> {
                String body = bodyOf(f);
                if (body == null) {
                    undecryptable.incrementAndGet();
                } else if (body.startsWith("t=")) {
                    long at = Long.parseLong(body.substring(2));
                    sendToDeliver.recordValue(Math.max(0, (now - at) / 1000));
                }
                tracker.accept(f.path("seq").asLong());
                deliveries.incrementAndGet();
            }
            case "error" -> errors.incrementAndGet();
            default -> {}
        }
    }

    /** Acked seqs of their rooms that members have not received (yet). */
    private long missing(List<Member> all) {
        long missing = 0;
        for (Member m : all) {
            long[] range = roomSeqRange.get(m.room());
            if (range != null) {
                missing += m.tracker().missing(range[0], range[1]);
            }
        }
        return missing;
    }

    private void report(List<Member> all, int perRoom, double elapsed) {
        long lost = missing(all);
        long dup = 0;
        long ooo = 0;
        for (Member m : all) {
            dup += m.tracker().duplicates();
            ooo += m.tracker().outOfOrder();
        }
        Histogram sent = sendToSent.getIntervalHistogram();
        Histogram deliver = sendToDeliver.getIntervalHistogram();
        lastDeliver = deliver;
        System.out.printf("%nresults over %.1f s:%n", elapsed);
        System.out.printf(
                "  sent %d (%.0f msg/s), sequenced %d, deliveries %d (%.0f/s), errors %d%n",
                sends.get(),
                sends.get() / elapsed,
                acks.get(),
                deliveries.get(),
                deliveries.get() / elapsed,
                errors.get());
        System.out.printf(
                "  send->sent    ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n",
                ms(sent, 50), ms(sent, 95), ms(sent, 99), sent.getMaxValue() / 1000.0);
        System.out.printf(
                "  send->deliver ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n",
                ms(deliver, 50), ms(deliver, 95), ms(deliver, 99), deliver.getMaxValue() / 1000.0);
        System.out.printf(
                "  lost %d  duplicated %d  out-of-order %d  (unacknowledged sends %d)%n",
                lost, dup, ooo, sends.get() - acks.get());
        if (encrypted) {
            System.out.printf("  undecryptable %d%n", undecryptable.get());
        }
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }
}

package io.parley.clients.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyClient;
import io.parley.clients.bench.LoadGenerator;
import io.parley.schemas.Json;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Parley command line. Every command takes {@code --url} (default http://127.0.0.1:8088) and
 * either {@code --token T} or {@code --user U} (a dev token is fetched); {@code --json} prints JSON
 * lines for scripts.
 *
 * <pre>
 * token --user U                               print a dev token
 * rooms                                        list my rooms
 * create-room --kind group|direct --members a,b [--name N]
 * send --room R --body TEXT [--cmid ID]        send and wait for the sent tick
 * tail --room R [--since SEQ] [--count N]      follow a room (replays seq > SEQ first)
 * history --room R [--before SEQ] [--limit N]
 * search --q TEXT [--room R] [--limit N]
 * bench [--connections 200 --rooms 20 --rate 500 --duration 60]
 * </pre>
 */
public final class ParleyCli {
    private final Map<String, String> o;
    private final PrintStream out;
    private final boolean json;

    ParleyCli(Map<String, String> options, PrintStream out) {
        this.o = options;
        this.out = out;
        this.json = options.containsKey("json");
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println(
                    "usage: parley cli <token|rooms|create-room|send|tail|history|search|bench> [options]");
            System.exit(2);
        }
        if (args[0].equals("bench")) {
            LoadGenerator.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int code =
                new ParleyCli(options(Arrays.copyOfRange(args, 1, args.length)), System.out)
                        .run(args[0]);
        System.exit(code);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String key = args[i].replaceFirst("^--", "");
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                o.put(key, args[++i]);
            } else {
                o.put(key, "true");
            }
        }
        return o;
    }

    int run(String command) throws Exception {
        try (ParleyClient client =
                new ParleyClient(o.getOrDefault("url", "http://127.0.0.1:8088"))) {
            switch (command) {
                case "token" -> print(Map.of("token", token(client)));
                case "rooms" -> print(client.call("GET", "/v1/rooms", token(client), null));
                case "create-room" ->
                        print(
                                Map.of(
                                        "room_id",
                                        client.createRoom(
                                                token(client),
                                                o.getOrDefault("kind", "group"),
                                                o.getOrDefault("name", ""),
                                                List.of(o.getOrDefault("members", "").split(","))
                                                        .stream()
                                                        .filter(s -> !s.isBlank())
                                                        .toList())));
                case "send" -> send(client);
                case "tail" -> tail(client);
                case "history" ->
                        print(
                                client.call(
                                        "GET",
                                        "/v1/history?room_id="
                                                + ParleyClient.q(required("room"))
                                                + (o.containsKey("before")
                                                        ? "&before_seq=" + o.get("before")
                                                        : "")
                                                + "&limit="
                                                + o.getOrDefault("limit", "50"),
                                        token(client),
                                        null));
                case "search" ->
                        print(
                                client.call(
                                        "GET",
                                        "/v1/search?q="
                                                + ParleyClient.q(required("q"))
                                                + (o.containsKey("room")
                                                        ? "&room_id="
                                                                + ParleyClient.q(o.get("room"))
                                                        : "")
                                                + "&limit="
                                                + o.getOrDefault("limit", "20"),
                                        token(client),
                                        null));
                default -> {
                    System.err.println("unknown command " + command);
                    return 2;
                }
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private String token(ParleyClient client) throws Exception {
        if (o.containsKey("token")) {
            return o.get("token");
        }
        return client.devToken(required("user"));
    }

    private String required(String name) {
        String v = o.get(name);
        if (v == null || v.equals("true")) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private void send(ParleyClient client) throws Exception {
        String room = required("room");
        String cmid = o.getOrDefault("cmid", UUID.randomUUID().toString());
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        ParleyClient.Connection c =
                client.connect(
                        token(client),
                        o.getOrDefault("device", "cli"),
                        f -> {
                            String type = f.path("type").asText();
                            if (type.equals("sent") || type.equals("error")) {
                                reply.complete(f);
                            }
                        });
        c.send(
                Map.of(
                        "type",
                        "send",
                        "room_id",
                        room,
                        "client_msg_id",
                        cmid,
                        "body",
                        required("body")));
        JsonNode f = reply.get(30, TimeUnit.SECONDS);
        c.close();
        print(f);
        if (f.path("type").asText().equals("error")) {
            throw new IllegalStateException(
                    f.path("code").asText() + ": " + f.path("message").asText());
        }
    }

    private void tail(ParleyClient client) throws Exception {
        String room = required("room");
        int count = Integer.parseInt(o.getOrDefault("count", "0"));
        CountDownLatch done = new CountDownLatch(count > 0 ? count : 1);
        ParleyClient.Connection c =
                client.connect(
                        token(client),
                        o.getOrDefault("device", "cli"),
                        f -> {
                            String type = f.path("type").asText();
                            if (type.equals("message")) {
                                print(f);
                                done.countDown();
                            } else if (type.equals("error")) {
                                print(f);
                            }
                        });
        Map<String, Object> join = new HashMap<>(Map.of("type", "join", "room_id", room));
        if (o.containsKey("since")) {
            join.put("since_seq", Long.parseLong(o.get("since")));
        }
        c.send(join);
        if (count > 0) {
            done.await(Long.parseLong(o.getOrDefault("timeout", "60")), TimeUnit.SECONDS);
        } else {
            done.await();
        }
        c.close();
    }

    private synchronized void print(Object value) {
        JsonNode node = value instanceof JsonNode n ? n : Json.MAPPER.valueToTree(value);
        if (json) {
            out.println(node.toString());
        } else if (node.path("type").asText().equals("message")) {
            out.printf(
                    "#%d %s: %s%n",
                    node.path("seq").asLong(),
                    node.path("sender_id").asText(),
                    node.path("body").asText());
        } else {
            out.println(node.toPrettyString());
        }
        out.flush();
    }
}

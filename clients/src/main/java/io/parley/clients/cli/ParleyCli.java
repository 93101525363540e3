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
 * edit --room R --seq SEQ --body TEXT          edit my message at SEQ (waits for sent)
 * delete --room R --seq SEQ                    delete a message for everyone (waits for sent)
 * react --room R --seq SEQ --emoji E [--off]   react to a message, or remove the reaction
 * rename --room R --name N                     rename a group (admins)
 * add-member --room R --member U [--role admin|member]
 * remove-member --room R --member U            remove a member (admins)
 * leave-room --room R                          leave a group
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
                    "usage: parley cli <token|rooms|create-room|send|edit|delete|react|rename"
                            + "|add-member|remove-member|leave-room|tail|history|search|bench>"
                            + " [options]");
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
                case "send" ->
                        command(
                                client,
                                new HashMap<>(Map.of("type", "send", "body", required("body"))));
                case "edit" ->
                        command(
                                client,
                                new HashMap<>(
                                        Map.of(
                                                "type",
                                                "edit",
                                                "target_seq",
                                                seq(),
                                                "body",
                                                required("body"))));
                case "delete" ->
                        command(
                                client,
                                new HashMap<>(Map.of("type", "delete", "target_seq", seq())));
                case "react" ->
                        command(
                                client,
                                new HashMap<>(
                                        Map.of(
                                                "type",
                                                "react",
                                                "target_seq",
                                                seq(),
                                                "emoji",
                                                required("emoji"),
                                                "active",
                                                !o.containsKey("off"))));
                case "rename" ->
                        print(
                                client.call(
                                        "PATCH",
                                        "/v1/rooms/" + ParleyClient.q(required("room")),
                                        token(client),
                                        Map.of("name", required("name"))));
                case "add-member" -> {
                    Map<String, Object> body = new HashMap<>(Map.of("user_id", required("member")));
                    if (o.containsKey("role")) {
                        body.put("role", required("role"));
                    }
                    print(
                            client.call(
                                    "POST",
                                    "/v1/rooms/" + ParleyClient.q(required("room")) + "/members",
                                    token(client),
                                    body));
                }
                case "remove-member" -> removeMember(client, required("member"));
                case "leave-room" -> removeMember(client, required("user"));
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

    private long seq() {
        try {
            return Long.parseLong(required("seq"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seq must be a number");
        }
    }

    private void removeMember(ParleyClient client, String member) throws Exception {
        print(
                client.call(
                        "DELETE",
                        "/v1/rooms/"
                                + ParleyClient.q(required("room"))
                                + "/members/"
                                + ParleyClient.q(member),
                        token(client),
                        null));
    }

    /** A command to a room's log over the WebSocket; waits for its {@code sent} or error. */
    private void command(ParleyClient client, Map<String, Object> frame) throws Exception {
        frame.put("room_id", required("room"));
        frame.put("client_msg_id", o.getOrDefault("cmid", UUID.randomUUID().toString()));
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
        c.send(frame);
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
                            if (type.equals("message") || type.equals("event")) {
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
        } else if (node.path("type").asText().equals("event")) {
            out.printf(
                    "#%d %s %s%n",
                    node.path("seq").asLong(),
                    node.path("actor_id").asText(),
                    node.path("kind").asText());
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

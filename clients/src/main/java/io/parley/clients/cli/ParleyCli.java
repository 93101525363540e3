package io.parley.clients.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.clients.ParleyClient;
import io.parley.clients.bench.LoadGenerator;
import io.parley.clients.e2ee.E2eeSession;
import io.parley.schemas.Json;
import java.io.PrintStream;
import java.nio.file.Path;
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
 * create-room --kind group|direct --members a,b [--name N] [--encrypted]
 * send --room R --body TEXT [--cmid ID]        send and wait for the sent tick (encrypted
 *                                              rooms: encrypts, sharing its room key first)
 * edit --room R --seq SEQ --body TEXT          edit my message at SEQ (waits for sent)
 * delete --room R --seq SEQ                    delete a message for everyone (waits for sent)
 * react --room R --seq SEQ --emoji E [--off]   react to a message, or remove the reaction
 * rename --room R --name N                     rename a group (admins)
 * add-member --room R --member U [--role admin|member]
 * remove-member --room R --member U            remove a member (admins)
 * leave-room --room R                          leave a group
 * tail --room R [--since SEQ] [--count N]      follow a room (replays seq > SEQ first)
 * history --room R [--before SEQ] [--limit N] [--wait S]
 * search --q TEXT [--room R] [--limit N]
 * bench [--connections 200 --rooms 20 --rate 500 --duration 60 --encrypted true|both]
 * </pre>
 *
 * <p>With {@code --user} the token is bound to {@code --device} (default {@code cli}). In an
 * encrypted room (PROTOCOL.md section 6, docs/e2ee.md) the device's keys live in {@code
 * --state-dir} (default {@code ~/.parley-cli}), one file per user and device; {@code tail} and
 * {@code history} decrypt, and print "[waiting for the key]" for a message whose key has not
 * arrived (it is asked for; {@code history} waits {@code --wait} seconds, default 10, for it).
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
        System.exit(execute(args, System.out));
    }

    /** Runs one command ({@code args[0]}) with its options; returns the exit status. */
    public static int execute(String[] args, PrintStream out) throws Exception {
        return new ParleyCli(options(Arrays.copyOfRange(args, 1, args.length)), out).run(args[0]);
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
                case "create-room" -> createRoom(client);
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
                case "history" -> history(client);
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

    private String token;

    private String token(ParleyClient client) throws Exception {
        if (o.containsKey("token")) {
            return o.get("token");
        }
        if (token == null) {
            token = client.devToken(required("user"), device());
        }
        return token;
    }

    private String device() {
        return o.getOrDefault("device", "cli");
    }

    private void createRoom(ParleyClient client) throws Exception {
        List<String> members =
                List.of(o.getOrDefault("members", "").split(",")).stream()
                        .filter(m -> !m.isBlank())
                        .toList();
        Map<String, Object> body = new HashMap<>();
        body.put("kind", o.getOrDefault("kind", "group"));
        body.put("members", members);
        if (o.containsKey("name")) {
            body.put("name", o.get("name"));
        }
        if (o.containsKey("encrypted")) {
            body.put("encrypted", true);
        }
        JsonNode r = client.call("POST", "/v1/rooms", token(client), body);
        print(Map.of("room_id", r.path("room_id").asText()));
    }

    /** This device's end-to-end encryption, its keys in {@code --state-dir}. */
    private E2eeSession e2ee(ParleyClient client) throws Exception {
        String user = o.containsKey("user") ? o.get("user") : whoAmI(client);
        Path dir =
                Path.of(
                        o.getOrDefault(
                                "state-dir",
                                Path.of(System.getProperty("user.home"), ".parley-cli")
                                        .toString()));
        return new E2eeSession(
                client,
                token(client),
                user,
                device(),
                dir.resolve(user + "-" + device() + ".json"));
    }

    private String whoAmI(ParleyClient client) throws Exception {
        String payload = token(client).split("\\.")[1];
        return Json.MAPPER
                .readTree(java.util.Base64.getUrlDecoder().decode(payload))
                .path("sub")
                .asText();
    }

    /** A message frame or history entry as printed: its body decrypted when it has ciphertext. */
    private JsonNode readable(E2eeSession session, JsonNode m) {
        if (session == null || !m.hasNonNull("ciphertext")) {
            return m;
        }
        ObjectNode copy = m.deepCopy();
        String body;
        try {
            body =
                    session.decrypt(
                            m.path("room_id").asText(required("room")),
                            m.path("sender_id").asText(),
                            m.path("ciphertext").asText());
        } catch (Exception e) {
            body = null;
        }
        copy.remove("ciphertext");
        copy.put("body", body == null ? WAITING : body);
        copy.put("encrypted", true);
        return copy;
    }

    static final String WAITING = "[waiting for the key]";

    private void history(ParleyClient client) throws Exception {
        String room = required("room");
        String path =
                "/v1/history?room_id="
                        + ParleyClient.q(room)
                        + (o.containsKey("before") ? "&before_seq=" + o.get("before") : "")
                        + "&limit="
                        + o.getOrDefault("limit", "50");
        JsonNode page = client.call("GET", path, token(client), null);
        if (!page.path("messages").findValues("ciphertext").isEmpty()) {
            E2eeSession session = e2ee(client);
            // released each time a room key arrives: then the page is read again
            java.util.concurrent.Semaphore arrived = new java.util.concurrent.Semaphore(0);
            session.onKeys(arrived::release);
            ParleyClient.Connection c = client.connect(token(client), device(), session::onFrame);
            session.attach(c);
            session.publishKeys();
            long deadline =
                    System.nanoTime()
                            + TimeUnit.SECONDS.toNanos(
                                    Long.parseLong(o.getOrDefault("wait", "10")));
            ObjectNode shown = page.deepCopy();
            while (true) {
                com.fasterxml.jackson.databind.node.ArrayNode messages = shown.putArray("messages");
                boolean waiting = false;
                for (JsonNode m : page.path("messages")) {
                    ObjectNode withRoom = m.deepCopy();
                    withRoom.put("room_id", room);
                    JsonNode r = readable(session, withRoom);
                    waiting |= WAITING.equals(r.path("body").asText());
                    messages.add(r);
                }
                // the keys asked for arrive as to_device frames
                if (!waiting
                        || !arrived.tryAcquire(
                                Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
            }
            c.close();
            print(shown);
            return;
        }
        print(page);
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
        String room = required("room");
        String cmid = o.getOrDefault("cmid", UUID.randomUUID().toString());
        frame.put("room_id", room);
        frame.put("client_msg_id", cmid);
        frame.put("ref", cmid);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        E2eeSession session = frame.containsKey("body") ? encryptedRoomSession(client, room) : null;
        ParleyClient.Connection c =
                client.connect(
                        token(client),
                        device(),
                        f -> {
                            String type = f.path("type").asText();
                            if ((type.equals("sent") || type.equals("error"))
                                    && cmid.equals(f.path("ref").asText(cmid))) {
                                reply.complete(f);
                            }
                            if (session != null) {
                                session.onFrame(f);
                            }
                        });
        if (session != null) {
            session.attach(c);
            session.publishKeys();
            frame.put("ciphertext", session.encrypt(room, (String) frame.remove("body")));
        }
        c.send(frame);
        JsonNode f = reply.get(30, TimeUnit.SECONDS);
        c.close();
        print(f);
        if (f.path("type").asText().equals("error")) {
            throw new IllegalStateException(
                    f.path("code").asText() + ": " + f.path("message").asText());
        }
    }

    /** The E2EE session when {@code room} is encrypted, else null. */
    private E2eeSession encryptedRoomSession(ParleyClient client, String room) throws Exception {
        E2eeSession session = e2ee(client);
        return session.encrypted(room) ? session : null;
    }

    private void tail(ParleyClient client) throws Exception {
        String room = required("room");
        int count = Integer.parseInt(o.getOrDefault("count", "0"));
        CountDownLatch done = new CountDownLatch(count > 0 ? count : 1);
        E2eeSession session = encryptedRoomSession(client, room);
        // messages whose key has not arrived: printed once it does
        List<JsonNode> waiting = new java.util.concurrent.CopyOnWriteArrayList<>();
        if (session != null) {
            session.onKeys(
                    () -> {
                        for (JsonNode m : waiting) {
                            JsonNode r = readable(session, m);
                            if (!WAITING.equals(r.path("body").asText())) {
                                waiting.remove(m);
                                print(r);
                                done.countDown();
                            }
                        }
                    });
        }
        ParleyClient.Connection c =
                client.connect(
                        token(client),
                        device(),
                        f -> {
                            String type = f.path("type").asText();
                            if (type.equals("message") || type.equals("event")) {
                                JsonNode r = readable(session, f);
                                if (WAITING.equals(r.path("body").asText())
                                        && f.hasNonNull("ciphertext")) {
                                    waiting.add(f);
                                } else {
                                    print(r);
                                    done.countDown();
                                }
                            } else if (type.equals("error")) {
                                print(f);
                            }
                            if (session != null) {
                                session.onFrame(f);
                            }
                        });
        if (session != null) {
            session.attach(c);
            session.publishKeys();
        }
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

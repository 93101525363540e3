package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.cli.ParleyCli;
import io.parley.edge.store.Backends;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End-to-end encryption with the real clients (PROTOCOL.md section 6, docs/e2ee.md): the web client
 * in Chromium (WebCrypto) and the command-line client (JCA) write into the same encrypted room and
 * read each other; a second device reads the history once a key share reached it; and no text of an
 * encrypted room is anywhere on the server, where the text of a plain room is found in every store
 * (so the search can fail).
 */
class E2eeIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    static EdgeStack stack;
    static Backends backends;

    @BeforeAll
    static void start() throws Exception {
        BrowserSession.requireChromium();
        stack = EdgeStack.get();
        backends = Backends.connect(EdgeStack.config(Map.of()));
    }

    @AfterAll
    static void close() {
        if (backends != null) {
            backends.close();
        }
    }

    static String url() {
        return "http://127.0.0.1:" + stack.a.httpPort() + "/";
    }

    @Test
    void shouldLetASecondDeviceReadTheHistoryOfAnEncryptedRoomAfterAKeyShare() throws Exception {
        String alice = stack.user("e2_alice");
        String bob = stack.user("e2_bob");
        String hello = "hello bob " + UUID.randomUUID();
        String reply = "hi alice " + UUID.randomUUID();
        try (BrowserSession a = BrowserSession.start("e2-alice");
                BrowserSession b = BrowserSession.start("e2-bob")) {
            a.open(url());
            b.open(url());
            a.signIn(alice);
            b.signIn(bob);
            String room = a.createRoom(bob, true);
            a.send(hello);
            a.awaitMessage(hello);
            b.openRoom(room);
            b.awaitMessage(hello);
            b.send(reply);
            a.awaitMessage(reply);

            // bob signs in on a second device: it had no key when the messages were sent
            try (BrowserSession b2 = BrowserSession.start("e2-bob-2")) {
                b2.open(url());
                b2.signIn(bob);
                b2.openRoom(room);
                b2.awaitMessage(hello);
                b2.awaitMessage(reply);
                b2.screenshot("e2ee-second-device");
                assertThat(b2.deviceId()).isNotEqualTo(b.deviceId());
            }
        }
    }

    @Test
    void shouldNeverLetTheServerSeeTheTextOfAnEncryptedRoom(
            @org.junit.jupiter.api.io.TempDir Path cliState) throws Exception {
        String alice = stack.user("e2_cli");
        String bob = stack.user("e2_web");
        String carol = stack.user("e2_off");
        String fromCli = "from the cli " + UUID.randomUUID();
        String fromWeb = "from the web " + UUID.randomUUID();
        String plain = "in the clear " + UUID.randomUUID();
        String carolPush = "tok-e2-" + stack.runId;
        // carol is offline with a push token: every room's messages are pushed to her
        assertThat(
                        stack.apiA
                                .call(
                                        "POST",
                                        "/v1/devices",
                                        stack.apiA.devToken(carol, "phone"),
                                        Map.of(
                                                "device_id", "phone",
                                                "platform", "android",
                                                "push_token", carolPush))
                                .status())
                .isEqualTo(204);
        String url = "http://127.0.0.1:" + stack.a.httpPort();
        JsonNode created =
                cliJson(
                        url,
                        cliState,
                        "create-room",
                        "--user",
                        alice,
                        "--kind",
                        "group",
                        "--name",
                        "secret",
                        "--members",
                        bob + "," + carol,
                        "--encrypted");
        String room = created.path("room_id").asText();
        try (BrowserSession b = BrowserSession.start("e2-web")) {
            b.open(url());
            b.signIn(bob);
            b.openRoom(room);
            // the web client's keys are published at sign-in: the CLI shares its room key with it
            Polling.until(
                    WAIT,
                    () ->
                            stack.apiA
                                    .call(
                                            "GET",
                                            "/v1/keys/" + bob,
                                            stack.apiA.devToken(alice),
                                            null)
                                    .body(),
                    keys -> keys.path("devices").size() == 1);
            assertThat(
                            cli(
                                    url, cliState, "send", "--user", alice, "--room", room,
                                    "--body", fromCli))
                    .contains("\"sent\"");
            b.awaitMessage(fromCli);
            b.send(fromWeb);
            b.awaitMessage(fromWeb);
        }
        String history =
                cli(
                        url, cliState, "history", "--user", alice, "--room", room, "--json",
                        "--wait", "30");
        assertThat(history)
                .as("the CLI reads what the web client wrote")
                .contains(fromWeb, fromCli);

        // a plain room as the control: its text is found in every store the scan reads
        String plainRoom =
                stack.apiA.createRoom(stack.apiA.devToken(alice), "group", "plain", List.of(carol));
        try (WsClient a = RealtimeIT.joined(stack.a, stack.apiA.devToken(alice), "d", plainRoom)) {
            a.send(RealtimeIT.send(plainRoom, "p1", plain));
            a.awaitType("sent", WAIT);
        }
        StoreScan scan = new StoreScan(backends);
        Map<String, List<String>> control =
                Polling.until(
                        Duration.ofSeconds(90),
                        () -> scan.find(plain),
                        found ->
                                found.keySet()
                                        .containsAll(
                                                List.of(
                                                        "cassandra",
                                                        "elasticsearch",
                                                        "pulsar",
                                                        "push")));
        assertThat(control.keySet())
                .as("the plain text is found in every store: " + control)
                .contains("cassandra", "elasticsearch", "pulsar", "push");
        assertThat(
                        PushIT.pushesTo(carolPush).stream()
                                .map(p -> p.path("message").path("data").path("room_id").asText()))
                .as("the encrypted room's messages were pushed too (without a preview)")
                .contains(room);

        assertThat(scan.find(fromCli)).as("the CLI's text on the server").isEmpty();
        assertThat(scan.find(fromWeb)).as("the web client's text on the server").isEmpty();
    }

    static String cli(String url, Path state, String... args) throws Exception {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = url;
        all[args.length + 2] = "--state-dir";
        all[args.length + 3] = state.toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ParleyCli.execute(all, new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(String.join(" ", args) + " printed " + printed).isZero();
        return printed;
    }

    static JsonNode cliJson(String url, Path state, String... args) throws Exception {
        String[] withJson = java.util.Arrays.copyOf(args, args.length + 1);
        withJson[args.length] = "--json";
        return io.parley.schemas.Json.MAPPER.readTree(
                cli(url, state, withJson).lines().reduce((x, y) -> y).orElse("{}"));
    }
}

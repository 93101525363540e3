package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.edge.EdgeConfig;
import io.parley.edge.EdgeServer;
import io.parley.schemas.Json;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web client served by the edge, in two real headless Chromium browsers as two users: live
 * messages both ways, ticks, typing, a reconnect across an edge restart that loses nothing, and the
 * room events of PROTOCOL.md section 4 (a new room listed live, reactions, edits). Screenshots land
 * in {@code target/screenshots}.
 */
class WebClientIT {
    static final List<String> TICKED = List.of("sent", "delivered", "read");

    /** The thumbs-up emoji (U+1F44D), escaped so the source stays ASCII. */
    static final String THUMBS_UP = "\uD83D\uDC4D";

    static EdgeStack stack;

    /** A third edge of this test only, on a fixed port, so it can be restarted in place. */
    static EdgeServer edgeC;

    static EdgeConfig configC;

    @BeforeAll
    static void start() throws Exception {
        BrowserSession.requireChromium();
        stack = EdgeStack.get();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        configC = EdgeStack.config(Map.of()).withGateway("it" + stack.runId + "web", port, 0);
        edgeC = EdgeServer.start(configC);
    }

    @AfterAll
    static void stop() throws Exception {
        if (edgeC != null) {
            edgeC.close();
        }
    }

    static String url(EdgeServer edge) {
        return "http://127.0.0.1:" + edge.httpPort() + "/";
    }

    @Test
    void shouldExchangeMessagesBothWaysWithTicksAndTypingBetweenTwoBrowsers() throws Exception {
        String alice = stack.user("web_alice");
        String bob = stack.user("web_bob");
        assertThat(flinkJobRunning("Parley: receipts"))
                .as(
                        "the ticks come from the Flink job 'Parley: receipts': start it with ./parley up")
                .isTrue();
        try (BrowserSession a = BrowserSession.start("alice");
                BrowserSession b = BrowserSession.start("bob")) {
            a.open(url(stack.a));
            b.open(url(stack.b));
            a.signIn(alice);
            b.signIn(bob);
            String room = a.createDirectRoom(bob);
            b.openRoom(room);
            a.screenshot("01-alice-room-created");

            // alice types: bob sees it; then she sends and bob sees the message
            String m1 = "Hi Bob! Did the new edge build deploy cleanly?";
            a.type(m1);
            b.awaitTyping(alice);
            b.screenshot("02-bob-sees-alice-typing");
            a.pressEnter();
            long s1 = b.awaitMessage(m1);
            assertThat(a.awaitMessage(m1)).isEqualTo(s1);
            b.awaitNotTyping();
            assertThat(a.awaitStatus(m1, TICKED)).isIn(TICKED);

            // and back
            String m2 = "Morning! Yes, both gateways are up and the replay test is green.";
            b.type(m2);
            a.awaitTyping(bob);
            b.pressEnter();
            long s2 = a.awaitMessage(m2);
            assertThat(b.awaitMessage(m2)).isEqualTo(s2);
            assertThat(s2).isGreaterThan(s1);

            String m3 = "Great. Let's demo the reconnect at 3.";
            a.send(m3);
            long s3 = b.awaitMessage(m3);
            String m4 = "Deal, I'll bring the numbers.";
            b.send(m4);
            long s4 = a.awaitMessage(m4);
            assertThat(List.of(s1, s2, s3, s4)).isSorted().doesNotHaveDuplicates();

            // bob has the room open and visible: delivered then read (blue) for alice
            assertThat(a.awaitStatus(m1, List.of("read"))).isEqualTo("read");
            assertThat(a.awaitStatus(m3, List.of("read"))).isEqualTo("read");
            assertThat(b.awaitStatus(m2, List.of("read"))).isEqualTo("read");
            b.type("See you");
            a.awaitTyping(bob);
            a.screenshot("03-alice-conversation");
            b.screenshot("04-bob-conversation");

            for (BrowserSession s : List.of(a, b)) {
                assertThat(s.messages())
                        .as(s.name + " shows each message once, in seq order")
                        .extracting(BrowserSession.Shown::body)
                        .containsExactly(m1, m2, m3, m4);
            }
        }
    }

    @Test
    void shouldShowEveryMessageExactlyOnceInOrderAfterItsEdgeRestarts() throws Exception {
        assertThat(flinkJobRunning("Parley: persistence"))
                .as(
                        "the replay after a reconnect reads the archive that the Flink job"
                                + " 'Parley: persistence' writes: start the stack with ./parley up")
                .isTrue();
        String alice = stack.user("web_carol");
        String bob = stack.user("web_dave");
        try (BrowserSession a = BrowserSession.start("carol");
                BrowserSession b = BrowserSession.start("dave")) {
            a.open(url(stack.a));
            b.open(url(edgeC));
            a.signIn(alice);
            b.signIn(bob);
            String room = a.createDirectRoom(bob);
            b.openRoom(room);
            List<String> sent = new ArrayList<>();
            sent.add("before the restart");
            a.send(sent.get(0));
            b.awaitMessage(sent.get(0));
            sent.add("got it");
            b.send(sent.get(1));
            a.awaitMessage(sent.get(1));

            // dave's edge goes away; carol sends five messages during the outage
            edgeC.close();
            edgeC = null;
            b.awaitConnection("offline");
            for (int i = 1; i <= 5; i++) {
                String body = "during the outage #" + i;
                sent.add(body);
                a.send(body);
                a.awaitMessage(body);
            }
            b.screenshot("10-dave-offline");

            // the same edge comes back on the same port with the same gateway id
            edgeC = EdgeServer.start(configC);
            b.awaitConnection("online");
            String after = "after the restart";
            sent.add(after);
            a.send(after);
            long last = b.awaitMessage(after);
            for (String body : sent) {
                b.awaitMessage(body);
            }
            b.screenshot("11-dave-after-reconnect");

            // the room's seq 1 is its room_created event, the messages follow it (section 4)
            List<BrowserSession.Entry> timeline = b.timeline();
            assertThat(timeline)
                    .as("dave's timeline: each entry of the room's log once, in seq order")
                    .extracting(BrowserSession.Entry::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
            assertThat(timeline)
                    .extracting(BrowserSession.Entry::kind)
                    .first()
                    .isEqualTo("room_created");
            List<BrowserSession.Shown> shown = b.messages();
            assertThat(shown)
                    .extracting(BrowserSession.Shown::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(2, last).boxed().toList());
            assertThat(shown)
                    .extracting(BrowserSession.Shown::body)
                    .containsExactlyElementsOf(sent);
            assertThat(a.messages())
                    .extracting(BrowserSession.Shown::body)
                    .containsExactlyElementsOf(sent);
        }
    }

    @Test
    void shouldClearUnreadOnTheUsersOtherBrowserAndSignItOut() throws Exception {
        String gina = stack.user("web_gina");
        String hal = stack.user("web_hal");
        String th = stack.apiA.devToken(hal);
        String room = stack.apiA.createRoom(th, "direct", List.of(gina));
        try (BrowserSession laptop = BrowserSession.start("gina-laptop");
                BrowserSession phone = BrowserSession.start("gina-phone")) {
            laptop.open(url(stack.a));
            phone.open(url(stack.b));
            laptop.signIn(gina);
            phone.signIn(gina);
            try (WsClient h = RealtimeIT.joined(stack.a, th, "d", room)) {
                h.send(RealtimeIT.send(room, "u1", "are you there?"));
                h.awaitType("sent", Duration.ofSeconds(30));
                h.send(RealtimeIT.send(room, "u2", "ping me back"));
                h.awaitType("sent", Duration.ofSeconds(30));
            }
            laptop.awaitUnread(room, 2);
            phone.awaitUnread(room, 2);
            phone.screenshot("30-gina-phone-two-unread");

            // When gina reads the room on her laptop, then her phone's badge clears at once
            laptop.openRoom(room);
            laptop.awaitMessage("ping me back");
            phone.awaitUnread(room, 0);
            assertThat(phone.readStates())
                    .as("the phone heard of the read from a read_state frame, not a list poll")
                    .isPositive();
            phone.screenshot("31-gina-phone-cleared-by-laptop");

            // When she signs the phone out from the laptop, then the phone is back at sign-in
            String phoneId = phone.deviceId();
            assertThat(laptop.devices(2))
                    .extracting(e -> e.getDomAttribute("data-device-id"))
                    .containsExactlyInAnyOrder(laptop.deviceId(), phoneId);
            laptop.signOutDevice(phoneId);
            phone.awaitSignedOut();
            laptop.devices(1);
            laptop.screenshot("32-gina-laptop-one-device-left");
        }
    }

    @Test
    void shouldListANewRoomAndShowReactionsAndEditsLiveInThePeersBrowser() throws Exception {
        assertThat(flinkJobRunning("Parley: receipts"))
                .as(
                        "the read ticks come from the Flink job 'Parley: receipts': start it with"
                                + " ./parley up")
                .isTrue();
        String alice = stack.user("web_erin");
        String bob = stack.user("web_frank");
        try (BrowserSession a = BrowserSession.start("erin");
                BrowserSession b = BrowserSession.start("frank")) {
            a.open(url(stack.a));
            b.open(url(stack.b));
            a.signIn(alice);
            b.signIn(bob);

            // Given erin creates a direct room with frank, who is signed in on the other edge
            String room = a.createDirectRoom(bob);

            // Then the room_created event lists it in frank's browser: no refresh, no list poll
            assertThat(b.awaitRoomListed(room))
                    .as("how frank's client learned of the room (data-origin)")
                    .isEqualTo("event");
            b.screenshot("20-frank-room-listed-live");
            b.openRoom(room);
            String body = "Lunch at noon?";
            a.send(body);
            long seq = b.awaitMessage(body);
            assertThat(a.awaitMessage(body)).isEqualTo(seq);

            // When erin reacts with a thumbs up, then frank sees it counted, live
            a.react(seq, THUMBS_UP);
            BrowserSession.Reaction seen = b.awaitReaction(seq, THUMBS_UP, 1);
            assertThat(seen.text()).isEqualTo(THUMBS_UP + " 1");
            assertThat(seen.mine()).as("frank did not react himself").isFalse();
            assertThat(a.awaitReaction(seq, THUMBS_UP, 1).mine())
                    .as("erin's own reaction")
                    .isTrue();

            // When erin edits her message, then frank sees the new body marked as edited
            String edited = "Lunch at 12:30?";
            a.edit(seq, edited);
            BrowserSession.Shown shown =
                    b.awaitShown(seq, "edited to '" + edited + "'", m -> edited.equals(m.body()));
            assertThat(shown.edited()).isEqualTo("edited");
            assertThat(a.awaitShown(seq, "edited", m -> edited.equals(m.body())).edited())
                    .isEqualTo("edited");
            b.screenshot("21-frank-sees-reaction-and-edit");

            // the reaction and the edit are entries of the log too: frank's reply comes after them,
            // and erin's read cursor (her contiguous seq) passes them to reach it
            String reply = "12:30 works.";
            b.send(reply);
            long replySeq = a.awaitMessage(reply);
            assertThat(replySeq).isEqualTo(seq + 3);
            assertThat(b.awaitStatus(reply, List.of("read"))).isEqualTo("read");
            for (BrowserSession s : List.of(a, b)) {
                assertThat(s.timeline())
                        .as(s.name + "'s timeline: the room's creation, then the two messages")
                        .extracting(BrowserSession.Entry::seq, BrowserSession.Entry::kind)
                        .containsExactly(
                                tuple(1L, "room_created"),
                                tuple(seq, "message"),
                                tuple(replySeq, "message"));
                assertThat(s.messages())
                        .extracting(BrowserSession.Shown::body)
                        .containsExactly(edited, reply);
            }
        }
    }

    /** Whether a Flink job of this name is RUNNING on the local dashboard. */
    static boolean flinkJobRunning(String name) {
        try {
            HttpResponse<String> r =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:8081/jobs/overview"))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode job : Json.MAPPER.readTree(r.body()).path("jobs")) {
                if (name.equals(job.path("name").asText())
                        && "RUNNING".equals(job.path("state").asText())) {
                    return true;
                }
            }
        } catch (Exception e) {
            // no dashboard: no receipts job
        }
        return false;
    }
}

package io.parley.clients.e2ee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.schemas.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/e2ee.md in Java: round trips, what must be refused, and what the web client wrote. */
class E2eeTest {
    static final Path DOCS = Path.of("..", "docs");

    /** A device of a claim answer, as the server hands it out. */
    static JsonNode claimed(DeviceKeys k, boolean withOneTimePrekey) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("device_id", k.deviceId);
        d.put("identity_key", k.identity.publicKey());
        d.put("signing_key", k.signing.publicKey());
        ObjectNode spk = d.putObject("signed_prekey");
        spk.put("key_id", k.signedPrekeyId);
        spk.put("public_key", k.signedPrekey.publicKey());
        spk.put("signature", k.signedPrekeySignature);
        if (withOneTimePrekey) {
            Map.Entry<String, Primitives.Pair> otk = k.oneTimePrekeys.entrySet().iterator().next();
            d.putObject("one_time_prekey")
                    .put("key_id", otk.getKey())
                    .put("public_key", otk.getValue().publicKey());
        } else {
            d.putNull("one_time_prekey");
        }
        return d;
    }

    static JsonNode payload() {
        return Json.MAPPER.createObjectNode().put("type", "room_key").put("room_id", "r1");
    }

    @Test
    void shouldRoundTripAPairwiseMessageWithAndWithoutAOneTimePrekey() throws Exception {
        DeviceKeys alice = DeviceKeys.generate("alice", "laptop");
        DeviceKeys bob = DeviceKeys.generate("bob", "phone");
        for (boolean otk : List.of(true, false)) {
            String ct = Pairwise.encrypt(alice, "bob", claimed(bob, otk), payload());
            Pairwise.Opened opened =
                    Pairwise.decrypt(bob, "alice", "laptop", alice.identity.publicKey(), ct);

            assertThat(opened.payload()).isEqualTo(payload());
            assertThat(opened.oneTimePrekeyId()).isEqualTo(otk ? "o1" : null);
            assertThat(new String(Primitives.unb64(ct))).doesNotContain("room_key");
        }
    }

    @Test
    void shouldRefuseATamperedPairwiseMessageAWrongIdentityAndABadSignature() throws Exception {
        DeviceKeys alice = DeviceKeys.generate("alice", "laptop");
        DeviceKeys bob = DeviceKeys.generate("bob", "phone");
        DeviceKeys mallory = DeviceKeys.generate("mallory", "m");
        String ct = Pairwise.encrypt(alice, "bob", claimed(bob, true), payload());

        assertThatThrownBy(
                        () ->
                                Pairwise.decrypt(
                                        bob, "alice", "laptop", mallory.identity.publicKey(), ct))
                .hasMessageContaining("identity key");
        assertThatThrownBy(
                        () ->
                                Pairwise.decrypt(
                                        bob, "alice", "tablet", alice.identity.publicKey(), ct))
                .as("the ids are bound (AAD)")
                .isInstanceOf(E2eeException.class);
        ObjectNode env = (ObjectNode) Json.MAPPER.readTree(Primitives.unb64(ct));
        byte[] body = Primitives.unb64(env.path("ct").asText());
        body[0] ^= 1;
        env.put("ct", Primitives.b64(body));
        String tampered = Primitives.b64(Primitives.utf8(Json.write(env)));
        assertThatThrownBy(
                        () ->
                                Pairwise.decrypt(
                                        bob,
                                        "alice",
                                        "laptop",
                                        alice.identity.publicKey(),
                                        tampered))
                .isInstanceOf(E2eeException.class);

        ObjectNode forged = (ObjectNode) claimed(bob, false);
        ((ObjectNode) forged.path("signed_prekey"))
                .put("public_key", mallory.signedPrekey.publicKey());
        assertThatThrownBy(() -> Pairwise.encrypt(alice, "bob", forged, payload()))
                .hasMessageContaining("signature");
    }

    @Test
    void shouldRoundTripARoomMessageAndBindItToRoomAndSender() throws Exception {
        RoomCipher.SenderKey key = RoomCipher.SenderKey.generate();
        String ct = RoomCipher.encrypt("r1", "alice", "laptop", key, "hello, secret");

        assertThat(RoomCipher.keyOf(ct)).isEqualTo(new RoomCipher.KeyRef("laptop", key.keyId()));
        assertThat(RoomCipher.decrypt("r1", "alice", key.key(), ct)).isEqualTo("hello, secret");
        assertThat(new String(Primitives.unb64(ct))).doesNotContain("secret");
        assertThatThrownBy(() -> RoomCipher.decrypt("r2", "alice", key.key(), ct))
                .isInstanceOf(E2eeException.class);
        assertThatThrownBy(() -> RoomCipher.decrypt("r1", "mallory", key.key(), ct))
                .isInstanceOf(E2eeException.class);
        assertThatThrownBy(
                        () ->
                                RoomCipher.decrypt(
                                        "r1", "alice", RoomCipher.SenderKey.generate().key(), ct))
                .isInstanceOf(E2eeException.class);
    }

    @Test
    void shouldKeepTheStateOfADeviceAcrossRuns(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alice-laptop.json");
        E2eeState s = E2eeState.load(file, "alice", "laptop");
        s.own.put("r1", RoomCipher.SenderKey.generate());
        s.received.put(E2eeState.ref("r1", "bob", "phone", "k"), "a2V5");
        s.sharedWith("r1").add("bob|phone");
        s.handle("m-1");
        s.save(file);

        E2eeState again = E2eeState.load(file, "alice", "laptop");
        assertThat(again.keys.identity).isEqualTo(s.keys.identity);
        assertThat(again.keys.oneTimePrekeys).isEqualTo(s.keys.oneTimePrekeys);
        assertThat(again.own).isEqualTo(s.own);
        assertThat(again.received).isEqualTo(s.received);
        assertThat(again.sharedWith("r1")).containsExactly("bob|phone");
        assertThat(again.handle("m-1")).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(E2eeState.load(file, "alice", "tablet").keys.identity)
                .as("another device gets its own keys")
                .isNotEqualTo(s.keys.identity);
    }

    /** docs/e2ee-vectors-js.json: written by the web client's e2ee.js (WebCrypto). */
    @Test
    void shouldReadWhatTheWebClientWrote() throws Exception {
        JsonNode v = Json.MAPPER.readTree(DOCS.resolve("e2ee-vectors-js.json").toFile());
        JsonNode r = v.path("recipient");
        DeviceKeys me = new DeviceKeys();
        me.userId = r.path("user_id").asText();
        me.deviceId = r.path("device_id").asText();
        me.identity =
                new Primitives.Pair(
                        r.path("ik_public").asText(), r.path("ik_private_pkcs8").asText());
        me.signedPrekeyId = r.path("spk_key_id").asText();
        me.signedPrekey =
                new Primitives.Pair(
                        r.path("spk_public").asText(), r.path("spk_private_pkcs8").asText());
        me.oneTimePrekeys.put(
                r.path("otk_key_id").asText(),
                new Primitives.Pair(
                        r.path("otk_public").asText(), r.path("otk_private_pkcs8").asText()));
        JsonNode sender = v.path("sender");

        Pairwise.Opened opened =
                Pairwise.decrypt(
                        me,
                        sender.path("user_id").asText(),
                        sender.path("device_id").asText(),
                        sender.path("ik_public").asText(),
                        v.path("pairwise").path("ciphertext").asText());
        JsonNode expected = v.path("pairwise").path("payload");
        assertThat(opened.payload())
                .isEqualTo(
                        expected.isTextual() ? Json.MAPPER.readTree(expected.asText()) : expected);
        assertRoomMessageDecrypts(v.path("room"));
    }

    /**
     * Writes docs/e2ee-vectors.json, which the web client's tests decrypt ({@code mvn test
     * -Dtest=E2eeTest -De2ee.writeVectors=true}); without the property it checks that the file
     * still decrypts here.
     */
    @Test
    void shouldWriteVectorsTheWebClientReads() throws Exception {
        Path file = DOCS.resolve("e2ee-vectors.json");
        if (Boolean.getBoolean("e2ee.writeVectors")) {
            DeviceKeys sender = DeviceKeys.generate("alice", "cli");
            DeviceKeys recipient = DeviceKeys.generate("bob", "phone");
            Map.Entry<String, Primitives.Pair> otk =
                    recipient.oneTimePrekeys.entrySet().iterator().next();
            JsonNode p =
                    Json.MAPPER
                            .createObjectNode()
                            .put("type", "room_key")
                            .put("room_id", "r-java")
                            .put("key", "a2V5");
            RoomCipher.SenderKey key = RoomCipher.SenderKey.generate();
            Map<String, Object> v = new LinkedHashMap<>();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("user_id", "bob");
            r.put("device_id", "phone");
            r.put("ik_private_pkcs8", recipient.identity.privatePkcs8());
            r.put("ik_public", recipient.identity.publicKey());
            r.put("spk_private_pkcs8", recipient.signedPrekey.privatePkcs8());
            r.put("spk_public", recipient.signedPrekey.publicKey());
            r.put("spk_key_id", recipient.signedPrekeyId);
            r.put("otk_private_pkcs8", otk.getValue().privatePkcs8());
            r.put("otk_public", otk.getValue().publicKey());
            r.put("otk_key_id", otk.getKey());
            v.put("recipient", r);
            v.put(
                    "sender",
                    Map.of(
                            "user_id",
                            "alice",
                            "device_id",
                            "cli",
                            "ik_public",
                            sender.identity.publicKey()));
            v.put(
                    "pairwise",
                    Map.of(
                            "ciphertext",
                            Pairwise.encrypt(sender, "bob", claimed(recipient, true), p),
                            "payload",
                            p));
            v.put(
                    "room",
                    Map.of(
                            "room_id", "r-java",
                            "sender_user", "alice",
                            "sender_device", "cli",
                            "key_id", key.keyId(),
                            "key", key.key(),
                            "ciphertext",
                                    RoomCipher.encrypt(
                                            "r-java", "alice", "cli", key, "héllo from Java"),
                            "body", "héllo from Java"));
            Files.writeString(
                    file,
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(v) + "\n");
        }
        JsonNode v = Json.MAPPER.readTree(file.toFile());
        assertRoomMessageDecrypts(v.path("room"));
    }

    /** A vectors file's room message decrypts to its body with its key. */
    static void assertRoomMessageDecrypts(JsonNode room) throws E2eeException {
        assertThat(
                        RoomCipher.decrypt(
                                room.path("room_id").asText(),
                                room.path("sender_user").asText(),
                                room.path("key").asText(),
                                room.path("ciphertext").asText()))
                .isEqualTo(room.path("body").asText());
    }
}

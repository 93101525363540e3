package io.parley.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.clients.ParleyHttp;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The key directory of PROTOCOL.md section 6 on two gateways of the real stack. */
class KeysIT {
    static EdgeStack stack;

    @BeforeAll
    static void stack() throws Exception {
        stack = EdgeStack.get();
    }

    static String key() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static Map<String, Object> upload(String signedId, List<String> oneTimeIds) {
        List<Map<String, Object>> otks = new ArrayList<>();
        for (String id : oneTimeIds) {
            otks.add(Map.of("key_id", id, "public_key", key()));
        }
        Map<String, Object> body = new HashMap<>();
        body.put("identity_key", key());
        body.put("signing_key", key());
        body.put(
                "signed_prekey",
                Map.of("key_id", signedId, "public_key", key(), "signature", key()));
        body.put("one_time_prekeys", otks);
        return body;
    }

    static int put(ParleyHttp api, String token, Map<String, Object> body) throws Exception {
        return api.call("PUT", "/v1/keys", token, body).status();
    }

    static long count(String token) throws Exception {
        return stack.apiA.call("GET", "/v1/keys/count", token, null).body().path("count").asLong();
    }

    static JsonNode claim(ParleyHttp api, String token, String user) throws Exception {
        ParleyHttp.Reply r = api.call("POST", "/v1/keys/claim", token, Map.of("user_id", user));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body();
    }

    @Test
    void shouldPublishADevicesKeysAndHandEachOneTimePrekeyOutOnceUnderRacingClaims()
            throws Exception {
        String alice = stack.user("keys_a");
        String phone = stack.apiA.devToken(alice, "phone");
        String bob = stack.apiA.devToken(stack.user("keys_b"), "laptop");
        List<String> ids = List.of("1", "2", "3", "4", "5");
        Map<String, Object> first = upload("s1", ids);
        assertThat(put(stack.apiA, phone, first)).isEqualTo(204);
        assertThat(count(phone)).isEqualTo(5);

        JsonNode bundles = stack.apiB.call("GET", "/v1/keys/" + alice, bob, null).body();
        assertThat(bundles.path("user_id").asText()).isEqualTo(alice);
        JsonNode device = bundles.path("devices").get(0);
        assertThat(device.path("device_id").asText()).isEqualTo("phone");
        assertThat(device.path("identity_key").asText()).isEqualTo(first.get("identity_key"));
        assertThat(device.path("signed_prekey").path("key_id").asText()).isEqualTo("s1");
        assertThat(device.has("one_time_prekey")).as("GET hands out no prekey").isFalse();

        // eight claims race on two gateways for five one-time prekeys
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<JsonNode>> claims = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ParleyHttp api = i % 2 == 0 ? stack.apiA : stack.apiB;
            Callable<JsonNode> c = () -> claim(api, bob, alice);
            claims.add(pool.submit(c));
        }
        List<String> handedOut = new ArrayList<>();
        int none = 0;
        for (Future<JsonNode> f : claims) {
            JsonNode otk = f.get().path("devices").get(0).path("one_time_prekey");
            if (otk.isNull()) {
                none++;
            } else {
                handedOut.add(otk.path("key_id").asText());
            }
        }
        pool.shutdown();
        assertThat(handedOut).as("each at most once").doesNotHaveDuplicates();
        assertThat(handedOut).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(none).isEqualTo(3);
        assertThat(count(phone)).isZero();

        // a new upload replaces the signed prekey and adds keys, never one already handed out
        assertThat(put(stack.apiB, phone, upload("s2", List.of("1", "6")))).isEqualTo(204);
        assertThat(count(phone)).isEqualTo(1);
        JsonNode again = claim(stack.apiA, bob, alice).path("devices").get(0);
        assertThat(again.path("signed_prekey").path("key_id").asText()).isEqualTo("s2");
        assertThat(again.path("one_time_prekey").path("key_id").asText()).isEqualTo("6");

        JsonNode listed = DevicesIT.device(DevicesIT.devices(phone), "phone");
        assertThat(listed.path("keys").asBoolean()).as("GET /v1/devices: keys").isTrue();

        // signing the device out removes its keys
        assertThat(stack.apiA.call("DELETE", "/v1/devices/phone", bob, null).status())
                .as("bob cannot sign alice's device out")
                .isEqualTo(404);
        String laptop = stack.apiA.devToken(alice, "laptop");
        assertThat(stack.apiA.call("DELETE", "/v1/devices/phone", laptop, null).status())
                .isEqualTo(204);
        assertThat(claim(stack.apiB, bob, alice).path("devices")).isEmpty();
    }

    @Test
    void shouldRefuseBadKeysAndAnswerAUserWithoutDevicesWithAnEmptyList() throws Exception {
        String carol = stack.user("keys_c");
        String tablet = stack.apiA.devToken(carol, "tablet");
        Map<String, Object> bad = upload("s1", List.of("1"));
        bad.put("identity_key", "not base64!");
        assertThat(put(stack.apiA, tablet, bad)).isEqualTo(400);
        Map<String, Object> other = upload("s1", List.of("1"));
        other.put("device_id", "phone");
        assertThat(put(stack.apiA, tablet, other))
                .as("another device than the token's")
                .isEqualTo(403);
        Map<String, Object> unsigned = upload("s1", List.of());
        unsigned.remove("signed_prekey");
        assertThat(put(stack.apiA, tablet, unsigned)).isEqualTo(400);

        JsonNode nobody = claim(stack.apiA, tablet, stack.user("keys_nobody"));
        assertThat(nobody.path("devices").isArray()).isTrue();
        assertThat(nobody.path("devices")).isEmpty();
    }
}

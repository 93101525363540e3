package io.parley.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Parley's HTTP API as it answers: every call returns the status, the JSON body (null when there is
 * none or it is not JSON) and the raw response, whatever the status. The CLI and the load generator
 * use it through {@link ParleyClient}; the edge's integration tests use it directly.
 */
public final class ParleyHttp {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    public ParleyHttp(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** One answer of the API. */
    public record Reply(int status, JsonNode body, HttpResponse<String> raw) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    /** A call with an optional bearer token and body (a String is sent as it is, else as JSON). */
    public Reply call(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(
                    method,
                    HttpRequest.BodyPublishers.ofString(
                            body instanceof String s ? s : Json.write(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        String text = r.body() == null ? "" : r.body().trim();
        JsonNode json =
                text.startsWith("{") || text.startsWith("[") ? Json.MAPPER.readTree(text) : null;
        return new Reply(r.statusCode(), json, r);
    }

    /** A local-mode token for a user. */
    public String devToken(String userId) throws Exception {
        return expect(200, call("POST", "/v1/auth/dev-token", null, Map.of("user_id", userId)))
                .get("token")
                .asText();
    }

    /** A local-mode token bound to one device (PROTOCOL.md section 5). */
    public String devToken(String userId, String deviceId) throws Exception {
        return expect(
                        200,
                        call(
                                "POST",
                                "/v1/auth/dev-token",
                                null,
                                Map.of("user_id", userId, "device_id", deviceId)))
                .get("token")
                .asText();
    }

    /** Creates a room and returns its id. */
    public String createRoom(String token, String kind, String name, List<String> members)
            throws Exception {
        Reply r =
                call(
                        "POST",
                        "/v1/rooms",
                        token,
                        Map.of("kind", kind, "name", name, "members", members));
        // 201 created; 200 for a direct room that already existed
        return expect(r.status() == 200 ? 200 : 201, r).get("room_id").asText();
    }

    /** {@code POST /v1/rooms/{id}/members}: the seq of the {@code member_added}. */
    public long addMember(String token, String roomId, String userId, String role)
            throws Exception {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("user_id", userId));
        if (role != null) {
            body.put("role", role);
        }
        return expect(200, call("POST", "/v1/rooms/" + roomId + "/members", token, body))
                .get("seq")
                .asLong();
    }

    /** {@code DELETE /v1/rooms/{id}/members/{user}}: the seq of the {@code member_removed}. */
    public long removeMember(String token, String roomId, String userId) throws Exception {
        return expect(
                        200,
                        call("DELETE", "/v1/rooms/" + roomId + "/members/" + userId, token, null))
                .get("seq")
                .asLong();
    }

    /** {@code PUT /v1/rooms/{id}/members/{user}}: the seq of the {@code role_changed}. */
    public long changeRole(String token, String roomId, String userId, String role)
            throws Exception {
        return expect(
                        200,
                        call(
                                "PUT",
                                "/v1/rooms/" + roomId + "/members/" + userId,
                                token,
                                Map.of("role", role)))
                .get("seq")
                .asLong();
    }

    /** {@code PATCH /v1/rooms/{id}}: the seq of the {@code room_renamed}. */
    public long rename(String token, String roomId, String name) throws Exception {
        return expect(200, call("PATCH", "/v1/rooms/" + roomId, token, Map.of("name", name)))
                .get("seq")
                .asLong();
    }

    /** Creates a room named "it" (the integration tests' rooms). */
    public String createRoom(String token, String kind, List<String> members) throws Exception {
        return createRoom(token, kind, "it", members);
    }

    private static JsonNode expect(int status, Reply r) {
        if (r.status() != status) {
            throw new IllegalStateException(
                    r.raw().request().method()
                            + " "
                            + r.raw().uri().getPath()
                            + " -> "
                            + r.status()
                            + " "
                            + r.raw().body());
        }
        return r.body();
    }
}

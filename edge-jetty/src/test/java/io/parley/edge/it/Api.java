package io.parley.edge.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A plain HTTP client of the edge's API. */
public final class Api {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    public Api(String base) {
        this.base = base;
    }

    public record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

    public Reply call(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15));
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
        JsonNode json = null;
        if (r.body() != null && !r.body().isBlank() && r.body().trim().matches("^[\\[{].*")) {
            json = Json.MAPPER.readTree(r.body());
        }
        return new Reply(r.statusCode(), json, r);
    }

    public String devToken(String userId) throws Exception {
        Reply r = call("POST", "/v1/auth/dev-token", null, Map.of("user_id", userId));
        if (r.status() != 200) {
            throw new AssertionError("dev-token: " + r.status() + " " + r.raw().body());
        }
        return r.body().get("token").asText();
    }

    public String createRoom(String token, String kind, List<String> members) throws Exception {
        Reply r =
                call(
                        "POST",
                        "/v1/rooms",
                        token,
                        Map.of("kind", kind, "name", "it", "members", members));
        if (r.status() != 201) {
            throw new AssertionError("create room: " + r.status() + " " + r.raw().body());
        }
        return r.body().get("room_id").asText();
    }
}

package io.parley.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.edge.EdgeMetrics;
import io.parley.edge.HealthCheck;
import io.parley.edge.auth.TokenService;
import io.parley.edge.limits.Admission;
import io.parley.edge.limits.Budget;
import io.parley.edge.media.MediaService;
import io.parley.edge.query.HistoryService;
import io.parley.edge.query.SearchService;
import io.parley.edge.query.StatsService;
import io.parley.edge.rooms.RoomService;
import io.parley.edge.session.DeviceService;
import io.parley.edge.session.KeyService;
import io.parley.edge.session.PresenceService;
import io.parley.edge.session.PrivacyService;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.FrameCodec;
import io.parley.schemas.frames.ProtocolException;
import io.parley.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP API of PROTOCOL.md section 3. Every route authenticates (bar health, metrics and the dev
 * token) and turns every failure into {@code {code, message}} with the matching status. Requests it
 * does not know fall through to the next handler (the web client).
 */
public final class HttpApi extends Handler.Wrapper {
    private static final Logger LOG = Logger.getLogger(HttpApi.class.getName());

    /** The services behind the routes. */
    public record Services(
            TokenService tokens,
            boolean devMode,
            long devTokenTtlSeconds,
            RoomService rooms,
            HistoryService history,
            SearchService search,
            MediaService media,
            DeviceService devices,
            KeyService keys,
            PresenceService presence,
            PrivacyService privacy,
            StatsService stats,
            HealthCheck health,
            EdgeMetrics metrics,
            String gatewayId,
            Admission admission) {}

    private final Services s;

    public HttpApi(Services services, Handler next) {
        super(next);
        this.s = services;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpExchange x = new HttpExchange(request, response, callback);
        if (!x.path.startsWith("/v1/")
                && !x.path.equals("/healthz")
                && !x.path.equals("/metrics")) {
            return super.handle(request, response, callback);
        }
        s.metrics().httpRequests.increment();
        try {
            route(x);
        } catch (ProtocolException e) {
            x.error(e.code(), e.getMessage(), e.retryAfterMs());
        } catch (TokenService.InvalidTokenException e) {
            // a 401 costs its client address, like every request without a valid token
            long wait = s.admission().take(x.clientAddress(), Budget.HTTP_ANONYMOUS, 1);
            if (wait > 0) {
                x.error(ErrorCode.RATE_LIMITED, "too many requests; slow down", wait);
            } else {
                x.error(ErrorCode.UNAUTHORIZED, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "HTTP " + x.method() + " " + x.path + " failed", e);
            x.error(ErrorCode.UNAVAILABLE, "a dependency failed; retry");
        }
        return true;
    }

    private void route(HttpExchange x) {
        String m = x.method();
        String[] p = x.path.split("/");
        // p[0] is "" (leading slash)
        if (HttpBudgets.isAnonymous(x.path)) {
            admit(x.clientAddress(), Budget.HTTP_ANONYMOUS);
        }
        if (x.path.equals("/healthz") && m.equals("GET")) {
            health(x);
        } else if (x.path.equals("/metrics") && m.equals("GET")) {
            x.send(200, "text/plain; version=0.0.4", s.metrics().prometheus(s.gatewayId()));
        } else if (x.path.equals("/v1/auth/dev-token") && m.equals("POST") && s.devMode()) {
            devToken(x);
        } else if (x.path.equals("/v1/rooms") && m.equals("POST")) {
            createRoom(x, user(x));
        } else if (x.path.equals("/v1/rooms") && m.equals("GET")) {
            x.json(200, s.rooms().roomsOf(user(x)));
        } else if (p.length == 4 && p[2].equals("rooms") && m.equals("GET")) {
            x.json(200, s.rooms().detail(user(x), roomId(p[3])));
        } else if (p.length == 4 && p[2].equals("rooms") && m.equals("PATCH")) {
            String caller = user(x);
            JsonNode b = x.body();
            change(x, s.rooms().rename(caller, roomId(p[3]), text(b, "name"), clientMsgId(b)));
        } else if (p.length == 5
                && p[2].equals("rooms")
                && p[4].equals("members")
                && m.equals("POST")) {
            String caller = user(x);
            JsonNode b = x.body();
            change(
                    x,
                    s.rooms()
                            .addMember(
                                    caller,
                                    roomId(p[3]),
                                    text(b, "user_id"),
                                    optionalText(b, "role"),
                                    clientMsgId(b)));
        } else if (p.length == 6
                && p[2].equals("rooms")
                && p[4].equals("members")
                && m.equals("PUT")) {
            String caller = user(x);
            JsonNode b = x.body();
            change(
                    x,
                    s.rooms()
                            .changeRole(
                                    caller, roomId(p[3]), p[5], text(b, "role"), clientMsgId(b)));
        } else if (p.length == 6
                && p[2].equals("rooms")
                && p[4].equals("members")
                && m.equals("DELETE")) {
            String caller = user(x);
            String cmid = x.param("client_msg_id");
            change(x, s.rooms().removeMember(caller, roomId(p[3]), p[5], cmid));
        } else if (x.path.equals("/v1/history") && m.equals("GET")) {
            String caller = user(x);
            x.json(
                    200,
                    s.history()
                            .page(
                                    caller,
                                    roomId(x.param("room_id")),
                                    x.longParam("before_seq"),
                                    x.intParam("limit")));
        } else if (x.path.equals("/v1/search") && m.equals("GET")) {
            String caller = user(x);
            String room = x.param("room_id");
            x.json(
                    200,
                    Map.of(
                            "hits",
                            s.search()
                                    .search(
                                            caller,
                                            x.param("q"),
                                            room == null ? null : roomId(room),
                                            x.intParam("limit"))));
        } else if (x.path.equals("/v1/media") && m.equals("POST")) {
            String caller = user(x);
            JsonNode b = x.body();
            x.json(
                    201,
                    s.media()
                            .create(
                                    caller,
                                    text(b, "mime"),
                                    number(b, "size"),
                                    text(b, "sha256"),
                                    roomId(text(b, "room_id"))));
        } else if (p.length == 4 && p[2].equals("media") && m.equals("GET")) {
            x.redirect(s.media().downloadUrl(user(x), p[3]));
        } else if (x.path.equals("/v1/devices") && m.equals("POST")) {
            TokenService.Principal caller = principal(x);
            JsonNode b = x.body();
            s.devices()
                    .register(
                            caller.userId(),
                            deviceOf(caller, optionalText(b, "device_id")),
                            text(b, "platform"),
                            text(b, "push_token"));
            x.noContent();
        } else if (x.path.equals("/v1/devices") && m.equals("GET")) {
            x.json(200, s.devices().list(user(x)));
        } else if (p.length == 4 && p[2].equals("devices") && m.equals("DELETE")) {
            s.devices().signOut(user(x), p[3]);
            x.noContent();
        } else if (x.path.equals("/v1/keys") && m.equals("PUT")) {
            TokenService.Principal caller = principal(x);
            JsonNode b = x.body();
            s.keys()
                    .upload(
                            caller.userId(),
                            deviceOf(caller, optionalText(b, "device_id")),
                            keys(b));
            x.noContent();
        } else if (x.path.equals("/v1/keys/count") && m.equals("GET")) {
            TokenService.Principal caller = principal(x);
            x.json(
                    200,
                    Map.of(
                            "count",
                            s.keys()
                                    .count(
                                            caller.userId(),
                                            deviceOf(caller, x.param("device_id")))));
        } else if (x.path.equals("/v1/keys/claim") && m.equals("POST")) {
            user(x);
            x.json(200, s.keys().claim(userId(text(x.body(), "user_id"))));
        } else if (p.length == 4 && p[2].equals("keys") && m.equals("GET")) {
            user(x);
            x.json(200, s.keys().bundles(userId(p[3])));
        } else if (p.length == 5
                && p[2].equals("users")
                && p[4].equals("presence")
                && m.equals("GET")) {
            presence(x, user(x), p[3]);
        } else if (x.path.equals("/v1/users/me/privacy") && (m.equals("PUT") || m.equals("GET"))) {
            privacy(x, user(x));
        } else if (x.path.equals("/v1/stats") && m.equals("GET")) {
            user(x);
            x.json(200, Map.of("windows", s.stats().lastWindows(x.intParam("limit"))));
        } else {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no route " + m + " " + x.path);
        }
    }

    private void health(HttpExchange x) {
        Map<String, String> checks = s.health().check();
        List<String> down = new ArrayList<>();
        checks.forEach(
                (k, v) -> {
                    if (!"ok".equals(v)) {
                        down.add(k);
                    }
                });
        x.json(
                down.isEmpty() ? 200 : 503,
                Map.of(
                        "status",
                        down.isEmpty() ? "ok" : "unavailable",
                        "gateway_id",
                        s.gatewayId(),
                        "down",
                        down,
                        "checks",
                        checks));
    }

    private void devToken(HttpExchange x) {
        JsonNode b = x.body();
        String userId = text(b, "user_id");
        if (!Topics.ID.matcher(userId).matches()) {
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST, "user_id must be 1-64 chars of [A-Za-z0-9_-]");
        }
        String deviceId = optionalText(b, "device_id");
        if (deviceId != null && !Topics.ID.matcher(deviceId).matches()) {
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST, "device_id must be 1-64 chars of [A-Za-z0-9_-]");
        }
        String token = s.tokens().issue(userId, deviceId, s.devTokenTtlSeconds());
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("token", token);
        body.put("user_id", userId);
        if (deviceId != null) {
            body.put("device_id", deviceId);
        }
        body.put("expires_in", s.devTokenTtlSeconds());
        x.json(200, body);
    }

    private void createRoom(HttpExchange x, String caller) {
        JsonNode b = x.body();
        List<String> members = new ArrayList<>();
        JsonNode list = b.get("members");
        if (list == null || !list.isArray()) {
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST, "members must be an array of user ids");
        }
        for (JsonNode n : list) {
            if (!n.isTextual()) {
                throw new ProtocolException(
                        ErrorCode.BAD_REQUEST, "members must be an array of user ids");
            }
            members.add(n.asText());
        }
        JsonNode name = b.get("name");
        JsonNode encrypted = b.get("encrypted");
        if (encrypted != null && !encrypted.isNull() && !encrypted.isBoolean()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "encrypted must be a boolean");
        }
        RoomService.Change created =
                s.rooms()
                        .create(
                                caller,
                                text(b, "kind"),
                                name == null || name.isNull() ? null : text(b, "name"),
                                members,
                                encrypted != null && encrypted.asBoolean(),
                                clientMsgId(b));
        x.json(
                created.appended() ? 201 : 200,
                Map.of("room_id", created.roomId(), "seq", created.seq()));
    }

    /** A membership call's answer: {@code 200 {room_id, seq}}. */
    private static void change(HttpExchange x, RoomService.Change change) {
        x.json(200, Map.of("room_id", change.roomId(), "seq", change.seq()));
    }

    /** The optional {@code client_msg_id} of a room change (1-64 chars, like a send's). */
    private static String clientMsgId(JsonNode b) {
        String id = optionalText(b, "client_msg_id");
        if (id != null && (id.isEmpty() || id.length() > FrameCodec.MAX_CLIENT_MSG_ID_CHARS)) {
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST,
                    "client_msg_id must be 1-" + FrameCodec.MAX_CLIENT_MSG_ID_CHARS + " chars");
        }
        return id;
    }

    private void presence(HttpExchange x, String viewer, String subject) {
        PresenceService.State state = s.presence().get(subject);
        PrivacyService.Visible visible =
                s.privacy().presenceFor(subject, viewer, state.status(), state.lastSeen());
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("user_id", subject);
        if (visible == null) {
            // hidden by the subject's privacy settings: nothing but that it is hidden
            body.put("status", "offline");
            body.put("hidden", true);
        } else {
            body.put("status", visible.status());
            if (visible.lastSeen() != null) {
                body.put("last_seen", visible.lastSeen());
            }
        }
        x.json(200, body);
    }

    private void privacy(HttpExchange x, String caller) {
        PrivacyService.Settings settings;
        if (x.method().equals("PUT")) {
            JsonNode b = x.body();
            settings =
                    s.privacy()
                            .update(
                                    caller,
                                    optionalText(b, "online_visibility"),
                                    optionalText(b, "last_seen_visibility"),
                                    readReceipts(b),
                                    optionalText(b, "group_adds"));
        } else {
            settings = s.privacy().get(caller);
        }
        x.json(200, settings);
    }

    private static Boolean readReceipts(JsonNode b) {
        JsonNode v = b.get("read_receipts");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "read_receipts must be a boolean");
        }
        return v.asBoolean();
    }

    private String user(HttpExchange x) {
        return principal(x).userId();
    }

    /** The caller: a verified token, not of a signed-out device, within the user's budget. */
    private TokenService.Principal principal(HttpExchange x) {
        String auth = x.header(HttpHeader.AUTHORIZATION);
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new TokenService.InvalidTokenException("missing bearer token");
        }
        TokenService.Principal who = s.tokens().principal(auth.substring(7));
        s.devices().check(who);
        admit(who.userId(), HttpBudgets.of(x.method(), x.path));
        return who;
    }

    /**
     * The device a call concerns: the token's when it is bound to one (the body may repeat it,
     * never name another: {@code forbidden}), else the body's.
     */
    private static String deviceOf(TokenService.Principal who, String named) {
        if (who.deviceId() == null) {
            if (named == null) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "missing field 'device_id'");
            }
            return named;
        }
        if (named != null && !named.equals(who.deviceId())) {
            throw new ProtocolException(
                    ErrorCode.FORBIDDEN, "the token is bound to device " + who.deviceId());
        }
        return who.deviceId();
    }

    /** Takes a request's cost from its budget, or answers 429 with {@code retry_after_ms}. */
    private void admit(String key, Budget budget) {
        long wait = s.admission().take(key, budget, 1);
        if (wait > 0) {
            throw new ProtocolException(
                    ErrorCode.RATE_LIMITED, "too many requests; slow down", wait);
        }
    }

    private static String userId(String id) {
        if (id == null || !Topics.ID.matcher(id).matches()) {
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST, "user_id must be 1-64 chars of [A-Za-z0-9_-]");
        }
        return id;
    }

    /** The keys of {@code PUT /v1/keys} (PROTOCOL.md section 6); a key id may be a number. */
    private static UserEvent.Keys keys(JsonNode b) {
        JsonNode signed = b.get("signed_prekey");
        if (signed == null || !signed.isObject()) {
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST, "signed_prekey must be {key_id, public_key, signature}");
        }
        List<UserEvent.Prekey> otks = new ArrayList<>();
        JsonNode list = b.get("one_time_prekeys");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new ProtocolException(
                        ErrorCode.BAD_REQUEST, "one_time_prekeys must be [{key_id, public_key}]");
            }
            for (JsonNode k : list) {
                otks.add(new UserEvent.Prekey(keyId(k), optionalText(k, "public_key"), null));
            }
        }
        return new UserEvent.Keys(
                optionalText(b, "identity_key"),
                optionalText(b, "signing_key"),
                new UserEvent.Prekey(
                        keyId(signed),
                        optionalText(signed, "public_key"),
                        optionalText(signed, "signature")),
                otks.toArray(UserEvent.Prekey[]::new));
    }

    private static String keyId(JsonNode k) {
        JsonNode v = k == null ? null : k.get("key_id");
        if (v == null || !(v.isTextual() || v.isIntegralNumber())) {
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST, "key_id must be a string or an integer");
        }
        return v.asText();
    }

    private static String roomId(String id) {
        if (id == null || !Topics.ID.matcher(id).matches()) {
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST, "room_id must be 1-64 chars of [A-Za-z0-9_-]");
        }
        return id;
    }

    private static String text(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "missing field '" + field + "'");
        }
        if (!v.isTextual()) {
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST, "field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode b, String field) {
        return b.hasNonNull(field) ? text(b, field) : null;
    }

    private static long number(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || !v.isIntegralNumber()) {
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST, "field '" + field + "' must be an integer");
        }
        return v.asLong();
    }
}

package io.parley.edge;

import io.parley.edge.auth.TokenService;
import io.parley.edge.session.DeviceService;
import io.parley.edge.ws.Gateway;
import io.parley.schemas.Json;
import io.parley.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;

/**
 * Authenticates a WebSocket upgrade (PROTOCOL.md section 1): a bearer token in the Authorization
 * header or, for browsers, {@code access_token}; a {@code device_id} (from the query, or the
 * token's own {@code device_id} claim, which the query must not contradict). A token issued before
 * its device's sign-out is refused (section 5). Refusals are plain HTTP errors (401, 400, 503) and
 * nothing is upgraded.
 */
final class UpgradeAuthenticator implements WebSocketCreator {
    private final TokenService tokens;
    private final DeviceService devices;
    private final Gateway gateway;

    UpgradeAuthenticator(TokenService tokens, DeviceService devices, Gateway gateway) {
        this.tokens = tokens;
        this.devices = devices;
        this.gateway = gateway;
    }

    @Override
    public Object createWebSocket(
            ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        org.eclipse.jetty.util.Fields query =
                org.eclipse.jetty.server.Request.extractQueryParameters(request);
        String token = null;
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = auth.substring(7);
        } else {
            token = query.getValue("access_token");
        }
        TokenService.Principal who;
        try {
            who = tokens.principal(token);
        } catch (TokenService.InvalidTokenException e) {
            return refuse(response, callback, 401, "unauthorized", e.getMessage());
        }
        // a device-bound token names the device; the query may repeat it, never contradict it
        String deviceId = query.getValue("device_id");
        if (deviceId == null) {
            deviceId = who.deviceId();
        }
        if (deviceId == null || !Topics.ID.matcher(deviceId).matches()) {
            return refuse(
                    response,
                    callback,
                    400,
                    "bad_request",
                    "device_id must be 1-64 chars of [A-Za-z0-9_-]");
        }
        if (who.deviceId() != null && !who.deviceId().equals(deviceId)) {
            return refuse(
                    response,
                    callback,
                    401,
                    "unauthorized",
                    "the token is bound to device " + who.deviceId() + ", not " + deviceId);
        }
        try {
            devices.admit(who, deviceId);
        } catch (TokenService.InvalidTokenException e) {
            return refuse(response, callback, 401, "unauthorized", e.getMessage());
        } catch (RuntimeException e) {
            return refuse(response, callback, 503, "unavailable", "a dependency failed; retry");
        }
        return gateway.socketFor(who.userId(), deviceId);
    }

    private static Object refuse(
            ServerUpgradeResponse response,
            Callback callback,
            int status,
            String code,
            String message) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        if (status == 401) {
            // RFC 6750: a 401 names the scheme it wants (clients reject a challenge without it)
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        }
        byte[] body =
                Json.write(Map.of("code", code, "message", message))
                        .getBytes(StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(body), callback);
        return null;
    }
}

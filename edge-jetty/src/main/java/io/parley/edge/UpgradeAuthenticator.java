package io.parley.edge;

import io.parley.edge.auth.TokenService;
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
 * header or, for browsers, {@code access_token}; a {@code device_id}. Refusals are plain HTTP
 * errors (401, 400) and nothing is upgraded.
 */
final class UpgradeAuthenticator implements WebSocketCreator {
    private final TokenService tokens;
    private final Gateway gateway;

    UpgradeAuthenticator(TokenService tokens, Gateway gateway) {
        this.tokens = tokens;
        this.gateway = gateway;
    }

    @Override
    public Object createWebSocket(
            ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        org.eclipse.jetty.util.Fields query =
                org.eclipse.jetty.server.Request.extractQueryParameters(request);
        String deviceId = query.getValue("device_id");
        if (deviceId == null || !Topics.ID.matcher(deviceId).matches()) {
            return refuse(
                    response,
                    callback,
                    400,
                    "bad_request",
                    "device_id must be 1-64 chars of [A-Za-z0-9_-]");
        }
        String token = null;
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = auth.substring(7);
        } else {
            token = query.getValue("access_token");
        }
        String userId;
        try {
            userId = tokens.verify(token);
        } catch (TokenService.InvalidTokenException e) {
            return refuse(response, callback, 401, "unauthorized", e.getMessage());
        }
        return gateway.socketFor(userId, deviceId);
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

package io.parley.edge.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.schemas.Json;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/** One HTTP request and its response, with JSON in and out. */
final class HttpExchange {
    static final int MAX_BODY_BYTES = 64 * 1024;

    final Request request;
    final Response response;
    final Callback callback;
    final String path;
    private Fields query;

    HttpExchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.path = Request.getPathInContext(request);
    }

    String method() {
        return request.getMethod();
    }

    String header(HttpHeader h) {
        return request.getHeaders().get(h);
    }

    String param(String name) {
        if (query == null) {
            try {
                query = Request.extractQueryParameters(request);
            } catch (IllegalArgumentException e) {
                // bad percent-encoding or charset: the client's mistake, not a failed dependency
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed query string");
            }
        }
        Fields.Field f = query.get(name);
        return f == null ? null : f.getValue();
    }

    Long longParam(String name) {
        String v = param(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, name + " must be an integer");
        }
    }

    Integer intParam(String name) {
        Long v = longParam(name);
        if (v == null) {
            return null;
        }
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, name + " is out of range");
        }
        return v.intValue();
    }

    /**
     * The JSON object of the body. Reads at most one byte past the limit, whatever the body
     * declares or however it is chunked: the rest is never taken in.
     */
    JsonNode body() {
        long declared = request.getLength();
        if (declared > MAX_BODY_BYTES) {
            throw new ProtocolException(
                    ErrorCode.TOO_LARGE, "body over " + MAX_BODY_BYTES + " bytes");
        }
        byte[] bytes;
        try (InputStream in = Content.Source.asInputStream(request)) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "unreadable body");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ProtocolException(
                    ErrorCode.TOO_LARGE, "body over " + MAX_BODY_BYTES + " bytes");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
            if (node == null || !node.isObject()) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed JSON");
        }
    }

    void json(int status, Object body) {
        send(status, "application/json", Json.write(body));
    }

    void send(int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType + "; charset=utf-8");
        if (status == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        }
        Content.Sink.write(response, true, body, callback);
    }

    void noContent() {
        response.setStatus(204);
        callback.succeeded();
    }

    void redirect(String location) {
        response.setStatus(302);
        response.getHeaders().put(HttpHeader.LOCATION, location);
        callback.succeeded();
    }

    void error(ErrorCode code, String message) {
        error(code, message, null);
    }

    /** {@code {code, message, retry_after_ms?}}; a 429 also says Retry-After in seconds. */
    void error(ErrorCode code, String message, Long retryAfterMs) {
        if (retryAfterMs != null) {
            response.getHeaders()
                    .put(HttpHeader.RETRY_AFTER, Long.toString((retryAfterMs + 999) / 1000));
        }
        json(code.httpStatus(), new ErrorBody(code.wire(), message, retryAfterMs));
    }

    /** The client's address, the key of budgets without a user. */
    String clientAddress() {
        return Request.getRemoteAddr(request);
    }

    record ErrorBody(String code, String message, Long retryAfterMs) {}
}

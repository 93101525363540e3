package io.parley.schemas.frames;

/** A request that fails with a PROTOCOL.md error code; the message is safe to show the client. */
public class ProtocolException extends RuntimeException {
    private final ErrorCode code;
    private final Long retryAfterMs;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolException(ErrorCode code, String message, Long retryAfterMs) {
        super(message);
        this.code = code;
        this.retryAfterMs = retryAfterMs;
    }

    public ErrorCode code() {
        return code;
    }

    public Long retryAfterMs() {
        return retryAfterMs;
    }

    public ServerFrame.Error toFrame(String ref) {
        return new ServerFrame.Error(code.wire(), getMessage(), ref, retryAfterMs);
    }
}

package io.parley.edge.ws;

import io.parley.edge.limits.Admission;
import io.parley.edge.session.ToDeviceService;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.frames.FrameCodec;
import io.parley.schemas.frames.ServerFrame;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One client WebSocket: who it is, the rooms it has joined, and a bounded outbound queue. Frames
 * are written in the order {@link #emit} is called (callers hold this object's lock when order
 * matters). Under load, droppable frames (typing, presence) go first; past the hard limit the
 * connection is closed with 1013 rather than buffering without bound.
 */
public final class Connection implements ToDeviceService.Endpoint {
    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(Connection.class.getName());
    public static final int CLOSE_POLICY = 1008;
    public static final int CLOSE_OVERLOADED = 1013;

    /** The device was signed out (PROTOCOL.md section 5): the client must not reconnect. */
    public static final int CLOSE_SIGNED_OUT = 4001;

    private static final int MAX_REMEMBERED_REFS = 256;
    private static final long OVERLOAD_GRACE_MS = 2_000;

    final String userId;
    final String deviceId;
    final Admission.ConnectionMeters meters;
    final Map<String, RoomStream> rooms = new ConcurrentHashMap<>();
    int rateLimitStrikes;
    int badFrameStrikes;
    long lastBadFrameAt;

    private final Session session;
    private final FrameCodec codec;
    private final int softLimit;
    private final int hardLimit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    /** This device's own presence ({@code online}/{@code away}), kept in its session entry. */
    volatile String presenceStatus = io.parley.schemas.SessionEntry.ONLINE;

    private final Map<String, String> refsBySend =
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > MAX_REMEMBERED_REFS;
                }
            };

    Connection(
            String userId,
            String deviceId,
            Session session,
            FrameCodec codec,
            Admission.ConnectionMeters meters,
            int softLimit,
            int hardLimit) {
        this.userId = userId;
        this.deviceId = deviceId;
        this.session = session;
        this.codec = codec;
        this.meters = meters;
        this.softLimit = softLimit;
        this.hardLimit = hardLimit;
    }

    public String userId() {
        return userId;
    }

    public String deviceId() {
        return deviceId;
    }

    /** Writes a frame; returns false if it was dropped (or the connection is closing). */
    public synchronized boolean emit(ServerFrame frame, boolean droppable) {
        if (closed) {
            return false;
        }
        int queued = inFlight.get();
        if (droppable && queued >= softLimit) {
            dropped.incrementAndGet();
            return false;
        }
        if (queued >= hardLimit) {
            close(CLOSE_OVERLOADED, "overloaded: resume from your last seq");
            return false;
        }
        inFlight.incrementAndGet();
        session.sendText(
                codec.encode(frame),
                Callback.from(inFlight::decrementAndGet, failure -> inFlight.decrementAndGet()));
        return true;
    }

    synchronized void emitMessages(List<SequencedMessage> messages) {
        for (SequencedMessage m : messages) {
            emit(ServerFrame.entry(m), false);
        }
    }

    public int queued() {
        return inFlight.get();
    }

    public long droppedCount() {
        return dropped.get();
    }

    public boolean isClosed() {
        return closed || !session.isOpen();
    }

    public void close(int code, String reason) {
        closed = true;
        session.close(code, reason, Callback.NOOP);
        if (code == CLOSE_OVERLOADED) {
            LOG.warning(
                    "closing "
                            + userId
                            + "/"
                            + deviceId
                            + " (1013): "
                            + inFlight.get()
                            + " frames queued");
            // the close frame waits behind the backlog a stalled client never reads: give it a
            // moment, then drop the connection so its buffers are freed
            CompletableFuture.delayedExecutor(OVERLOAD_GRACE_MS, TimeUnit.MILLISECONDS)
                    .execute(
                            () -> {
                                if (session.isOpen()) {
                                    session.disconnect();
                                }
                            });
        }
    }

    /** The ref of a send, for its {@code sent}: client_msg_id is unique per room, not overall. */
    synchronized void rememberRef(String roomId, String clientMsgId, String ref) {
        if (ref != null) {
            refsBySend.put(roomId + '\n' + clientMsgId, ref);
        }
    }

    synchronized String takeRef(String roomId, String clientMsgId) {
        return refsBySend.remove(roomId + '\n' + clientMsgId);
    }

    boolean joined(String roomId) {
        return rooms.containsKey(roomId);
    }
}

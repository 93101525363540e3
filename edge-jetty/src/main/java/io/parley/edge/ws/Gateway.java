package io.parley.edge.ws;

import io.parley.edge.EdgeMetrics;
import io.parley.edge.limits.Admission;
import io.parley.edge.session.PresenceService;
import io.parley.edge.session.SessionRegistry;
import io.parley.edge.session.ToDeviceService;
import io.parley.schemas.frames.FrameCodec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The connection lifecycle of this gateway: opening registers the device's route and presence,
 * heartbeats keep them alive, closing removes them (and sets the user's presence from the devices
 * left: offline when the last device anywhere is gone).
 */
public final class Gateway {
    private static final Logger LOG = Logger.getLogger(Gateway.class.getName());

    private final ConnectionRegistry connections;
    private final CommandHandler commands;
    private final SessionRegistry sessions;
    private final PresenceService presence;
    private final FrameCodec codec;
    private final EdgeMetrics metrics;
    private final Clock clock;
    private final Admission admission;
    private final int softLimit;
    private final int hardLimit;
    private final ToDeviceService toDevice;

    public Gateway(
            ConnectionRegistry connections,
            CommandHandler commands,
            SessionRegistry sessions,
            PresenceService presence,
            FrameCodec codec,
            EdgeMetrics metrics,
            Clock clock,
            Admission admission,
            int softLimit,
            int hardLimit,
            ToDeviceService toDevice) {
        this.connections = connections;
        this.commands = commands;
        this.sessions = sessions;
        this.presence = presence;
        this.codec = codec;
        this.metrics = metrics;
        this.clock = clock;
        this.admission = admission;
        this.softLimit = softLimit;
        this.hardLimit = hardLimit;
        this.toDevice = toDevice;
    }

    public ParleySocket socketFor(String userId, String deviceId) {
        return new ParleySocket(this, userId, deviceId);
    }

    Connection open(String userId, String deviceId, Session session) {
        long now = clock.millis();
        Connection c =
                new Connection(
                        userId,
                        deviceId,
                        session,
                        codec,
                        admission.forConnection(),
                        softLimit,
                        hardLimit);
        Connection replaced = connections.add(c);
        if (replaced != null) {
            replaced.close(1000, "replaced by a newer connection of this device");
        }
        metrics.connectionsOpened.increment();
        try {
            sessions.register(userId, deviceId, c.presenceStatus, now);
            presence.devicesChanged(userId, now);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not register the session of " + userId, e);
        }
        try {
            // after the connection is registered, so a message arriving meanwhile is not missed
            // (it may come twice, with the same id)
            toDevice.deliverWaiting(c);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not deliver the waiting to_device of " + userId, e);
        }
        return c;
    }

    void onText(Connection c, String text) {
        metrics.framesIn.increment();
        commands.onText(c, text);
    }

    void closed(Connection c) {
        if (!connections.remove(c)) {
            return;
        }
        metrics.connectionsClosed.increment();
        long now = clock.millis();
        try {
            sessions.unregister(c.userId, c.deviceId, now);
            presence.devicesChanged(c.userId, now);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not unregister the session of " + c.userId, e);
        }
    }

    /** Refreshes every local route and presence; scheduled at a third of the session TTL. */
    public void heartbeat() {
        long now = clock.millis();
        List<Connection> all = new ArrayList<>();
        for (Map<String, Connection> devices : connections.all()) {
            all.addAll(devices.values());
        }
        for (Connection c : all) {
            try {
                sessions.register(c.userId, c.deviceId, c.presenceStatus, now);
                presence.refresh(c.userId, now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "heartbeat failed for " + c.userId, e);
            }
        }
    }

    public void scheduleHeartbeats(ScheduledExecutorService scheduler, long ttlMs) {
        long period = Math.max(1_000, ttlMs / 3);
        scheduler.scheduleAtFixedRate(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
    }

    public int connectionCount() {
        return connections.size();
    }
}

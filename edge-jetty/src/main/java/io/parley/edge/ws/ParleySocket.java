package io.parley.edge.ws;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.websocket.api.Session;

/** One client WebSocket: hands frames to the {@link Gateway} and reports its lifecycle. */
public final class ParleySocket implements Session.Listener.AutoDemanding {
    private static final Logger LOG = Logger.getLogger(ParleySocket.class.getName());

    private final Gateway gateway;
    private final String userId;
    private final String deviceId;
    private Connection connection;

    ParleySocket(Gateway gateway, String userId, String deviceId) {
        this.gateway = gateway;
        this.userId = userId;
        this.deviceId = deviceId;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        connection = gateway.open(userId, deviceId, session);
    }

    @Override
    public void onWebSocketText(String text) {
        gateway.onText(connection, text);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        if (connection != null) {
            gateway.closed(connection);
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.log(Level.FINE, "websocket error for " + userId + "/" + deviceId, cause);
    }
}

package io.parley.edge;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** Counters of this edge, served at {@code GET /metrics} in Prometheus text format. */
public final class EdgeMetrics {
    public final LongAdder connectionsOpened = new LongAdder();
    public final LongAdder connectionsClosed = new LongAdder();
    public final LongAdder framesIn = new LongAdder();
    public final LongAdder httpRequests = new LongAdder();
    private IntSupplier openConnections = () -> 0;

    public void openConnections(IntSupplier supplier) {
        this.openConnections = supplier;
    }

    public String prometheus(String gatewayId) {
        String labels = "{gateway=\"" + gatewayId + "\"}";
        StringBuilder b = new StringBuilder();
        gauge(
                b,
                "parley_edge_connections",
                "open WebSocket connections",
                labels,
                openConnections.getAsInt());
        counter(
                b,
                "parley_edge_connections_opened_total",
                "WebSocket connections opened",
                labels,
                connectionsOpened.sum());
        counter(
                b,
                "parley_edge_connections_closed_total",
                "WebSocket connections closed",
                labels,
                connectionsClosed.sum());
        counter(b, "parley_edge_frames_in_total", "client frames received", labels, framesIn.sum());
        counter(
                b,
                "parley_edge_http_requests_total",
                "HTTP API requests",
                labels,
                httpRequests.sum());
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, String labels, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" gauge\n");
        b.append(name).append(labels).append(' ').append(v).append('\n');
    }

    private static void counter(StringBuilder b, String name, String help, String labels, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" counter\n");
        b.append(name).append(labels).append(' ').append(v).append('\n');
    }
}

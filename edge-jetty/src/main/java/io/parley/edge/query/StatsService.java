package io.parley.edge.query;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /v1/stats}: the last windows of every delivery metric, as the metrics job wrote. */
public final class StatsService {
    private final CqlSession cql;
    private final PreparedStatement latest;

    public StatsService(CqlSession cql) {
        this.cql = cql;
        latest =
                cql.prepare(
                        "SELECT metric, window_end, count, p50, p95, p99, max FROM"
                                + " parley.delivery_stats PER PARTITION LIMIT ?");
    }

    public record Window(
            String metric, long windowEnd, long count, long p50, long p95, long p99, long max) {}

    public List<Window> lastWindows(Integer limit) {
        int n = limit == null ? 6 : Math.max(1, Math.min(limit, 60));
        List<Window> out = new ArrayList<>();
        for (Row r : cql.execute(latest.bind(n))) {
            out.add(
                    new Window(
                            r.getString("metric"),
                            r.getLong("window_end"),
                            r.getLong("count"),
                            r.getLong("p50"),
                            r.getLong("p95"),
                            r.getLong("p99"),
                            r.getLong("max")));
        }
        return out;
    }
}

package io.parley.edge.session;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import io.parley.schemas.topics.Topics;
import java.time.Clock;
import java.util.Set;

/** Push tokens per (user, device) in Cassandra {@code devices}, read by the push job. */
public final class DeviceService {
    private static final Set<String> PLATFORMS = Set.of("android", "ios", "web");
    private static final int MAX_TOKEN_CHARS = 4096;

    private final CqlSession cql;
    private final Clock clock;
    private final PreparedStatement upsert;

    public DeviceService(CqlSession cql, Clock clock) {
        this.cql = cql;
        this.clock = clock;
        upsert =
                cql.prepare(
                        "INSERT INTO parley.devices (user_id, device_id, platform, push_token,"
                                + " updated_at) VALUES (?, ?, ?, ?, ?)");
    }

    public void register(String userId, String deviceId, String platform, String pushToken) {
        if (!Topics.ID.matcher(deviceId).matches()) {
            throw bad("device_id must be 1-64 chars of [A-Za-z0-9_-]");
        }
        if (!PLATFORMS.contains(platform)) {
            throw bad("platform must be one of " + PLATFORMS);
        }
        if (pushToken.isBlank() || pushToken.length() > MAX_TOKEN_CHARS) {
            throw bad("push_token must be 1-" + MAX_TOKEN_CHARS + " chars");
        }
        cql.execute(upsert.bind(userId, deviceId, platform, pushToken, clock.millis()));
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, message);
    }
}

package io.parley.edge.session;

import io.parley.edge.delivery.UserLog;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import io.parley.schemas.topics.Topics;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;

/**
 * Push tokens per (user, device): a registration is an entry of the user's log; Cassandra {@code
 * devices} (read by the push job) is its projection.
 */
public final class DeviceService {
    private static final Set<String> PLATFORMS = Set.of("android", "ios", "web");
    private static final int MAX_TOKEN_CHARS = 4096;

    private final UserLog log;
    private final Clock clock;

    public DeviceService(UserLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
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
        log.append(
                UserEvent.deviceRegistered(
                        userId,
                        UUID.randomUUID().toString(),
                        clock.millis(),
                        deviceId,
                        platform,
                        pushToken));
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, message);
    }
}

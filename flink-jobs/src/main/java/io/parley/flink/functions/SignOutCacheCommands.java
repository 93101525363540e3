package io.parley.flink.functions;

import io.parley.flink.records.DeviceState;
import io.parley.flink.sinks.RedisCommand;
import io.parley.schemas.RedisKeys;
import java.util.List;

/**
 * The live path's {@code signedout:<user>} hash as a projection of {@code device_signed_out}:
 * {@code EVAL RAISE_FIELD_SCRIPT 1 signedout:<user> <device> <ts>}. The edge writes the same after
 * its own append (so its answer is true at once on every gateway); the raise makes the two writes
 * and any replay commute. A device seen again is not unset: its older tokens stay refused.
 */
public final class SignOutCacheCommands {
    private SignOutCacheCommands() {}

    public static List<RedisCommand> of(DeviceState state) {
        if (state.signedOutAt() == null) {
            return List.of();
        }
        return List.of(
                RedisCommand.eval(
                        RedisKeys.RAISE_FIELD_SCRIPT,
                        List.of(RedisKeys.signedOut(state.userId())),
                        List.of(state.deviceId(), Long.toString(state.signedOutAt()))));
    }
}

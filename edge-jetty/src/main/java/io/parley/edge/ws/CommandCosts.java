package io.parley.edge.ws;

import io.parley.edge.limits.Budget;
import io.parley.schemas.frames.ClientCommand;

/** Which budget each client command is counted against, and how much it costs. */
final class CommandCosts {
    private CommandCosts() {}

    static Budget budgetOf(ClientCommand command) {
        if (command instanceof ClientCommand.Send
                || command instanceof ClientCommand.Edit
                || command instanceof ClientCommand.Delete
                || command instanceof ClientCommand.React
                || command instanceof ClientCommand.ToDevice) {
            return Budget.MESSAGES;
        }
        if (command instanceof ClientCommand.Ack
                || command instanceof ClientCommand.Read
                || command instanceof ClientCommand.ToDeviceAck) {
            return Budget.RECEIPTS;
        }
        if (command instanceof ClientCommand.Join
                || command instanceof ClientCommand.Leave
                || command instanceof ClientCommand.Resume) {
            return Budget.ROOMS;
        }
        return Budget.SIGNALS; // typing, presence, ping
    }

    /** One, but a resume costs one for every room it names. */
    static long costOf(ClientCommand command) {
        if (command instanceof ClientCommand.Resume r) {
            return Math.max(1, r.rooms().size());
        }
        return 1;
    }

    static String slowDown(Budget budget) {
        return switch (budget) {
            case MESSAGES -> "too many messages; slow down";
            case RECEIPTS -> "too many receipts; slow down";
            case ROOMS -> "too many joins or resumed rooms; slow down";
            case REFUSALS -> "too many refused commands; slow down";
            default -> "too many commands; slow down";
        };
    }
}

package io.parley.edge.ws;

import io.parley.edge.session.PrivacyService;
import io.parley.edge.session.ToDeviceService;
import io.parley.schemas.DeviceMailbox;
import io.parley.schemas.events.CommandOutcome;
import io.parley.schemas.events.ReceiptStatus;
import io.parley.schemas.events.ReceiptUpdate;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.RoomInfo;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.events.Signal;
import io.parley.schemas.frames.ServerFrame;
import java.util.List;

/** Turns delivered payloads into frames on one local connection. */
public final class Deliverer {
    private final CatchUp catchUp;
    private final PrivacyService privacy;

    public Deliverer(CatchUp catchUp, PrivacyService privacy) {
        this.catchUp = catchUp;
        this.privacy = privacy;
    }

    /**
     * An entry of a room's log: the sending device gets its {@code sent} tick first (a command from
     * a WebSocket; an HTTP call has no device); every connection that joined the room gets the
     * entry through its merger (gap-free, in order). An event that changes room lists also reaches
     * the connections that did not join the room, with the room's summary. A removed member's
     * stream ends with their own {@code member_removed}.
     */
    public void message(Connection c, SequencedMessage m) {
        synchronized (c) {
            if (c.userId.equals(m.senderId()) && c.deviceId.equals(m.senderDeviceId())) {
                c.emit(
                        new ServerFrame.Sent(
                                m.roomId(),
                                m.clientMsgId(),
                                m.seq(),
                                m.msgId(),
                                m.ts(),
                                c.takeRef(m.roomId(), m.clientMsgId())),
                        false);
            }
            RoomStream stream = c.rooms.get(m.roomId());
            if (stream != null) {
                List<SequencedMessage> ready = stream.merger.accept(m);
                c.emitMessages(ready);
                if (removes(ready, c.userId)) {
                    c.rooms.remove(m.roomId());
                    return;
                }
                catchUp.startIfNeeded(c, stream);
            } else if (!m.isMessage() && m.event().changesRoomList()) {
                RoomInfo r = m.room();
                ServerFrame.EventRoom room =
                        r == null
                                ? null
                                : new ServerFrame.EventRoom(
                                        r.kind(), r.name(), r.encrypted(), m.seq());
                c.emit(ServerFrame.Event.of(m, room), false);
            }
        }
    }

    /** Whether the entries hold the removal of {@code userId}: nothing of the room follows it. */
    static boolean removes(List<SequencedMessage> entries, String userId) {
        for (SequencedMessage e : entries) {
            if (!e.isMessage()
                    && RoomEvent.MEMBER_REMOVED.equals(e.event().kind())
                    && userId.equals(e.event().userId())) {
                return true;
            }
        }
        return false;
    }

    /** The Sequencer refused a command of this device (or it was already in the log). */
    public void outcome(Connection c, CommandOutcome o) {
        if (o.code() == null) {
            return;
        }
        c.emit(
                new ServerFrame.Error(
                        o.code(), o.message(), c.takeRef(o.roomId(), o.clientMsgId()), null),
                false);
    }

    /** Typing and presence: droppable under load; false if dropped. A sign-out: never dropped. */
    public boolean signal(Connection c, Signal s) {
        if (s.kind() == Signal.Kind.SIGN_OUT) {
            if (c.userId.equals(s.userId()) && c.deviceId.equals(s.deviceId())) {
                c.close(Connection.CLOSE_SIGNED_OUT, "this device was signed out");
            }
            return true;
        }
        if (s.kind() == Signal.Kind.TO_DEVICE) {
            if (ToDeviceService.isFor(c, s)) {
                c.emit(DeviceMailbox.frame(s.message()), false);
            }
            return true;
        }
        if (s.kind() == Signal.Kind.TYPING) {
            if (!c.joined(s.roomId())) {
                return true;
            }
            return c.emit(new ServerFrame.Typing(s.roomId(), s.userId(), s.active()), true);
        }
        PrivacyService.Visible visible =
                privacy.presenceFor(s.userId(), c.userId, s.status(), s.lastSeen());
        if (visible == null) {
            return true;
        }
        return c.emit(
                new ServerFrame.Presence(s.userId(), visible.status(), visible.lastSeen()), true);
    }

    /**
     * A tick for the room's members. Read receipts follow the read-receipts setting both ways, as
     * users know it from other messengers: a per-peer read tick is not shown when the peer turned
     * them off, nor are read ticks (per peer or group counts) shown to a user who turned them off.
     * Group read counts leave out members who turned them off (the receipts job does that). Like
     * {@code sent}, ticks reach the sender's devices whether or not they joined the room. A read
     * state is the user's own read cursor, as {@code read_state} (PROTOCOL.md section 5).
     */
    public void receipt(Connection c, ReceiptUpdate u) {
        if (u.readState()) {
            // the user's own cursor: every device of theirs, joined or not, whatever the settings
            if (c.userId.equals(u.userId())) {
                c.emit(new ServerFrame.ReadState(u.roomId(), u.seq()), false);
            }
            return;
        }
        if (u.status() == ReceiptStatus.READ
                && (!privacy.get(c.userId).readReceipts()
                        || (u.userId() != null && !privacy.get(u.userId()).readReceipts()))) {
            return;
        }
        c.emit(ServerFrame.Receipt.of(u), false);
    }
}

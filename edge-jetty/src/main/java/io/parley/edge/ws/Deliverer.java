package io.parley.edge.ws;

import io.parley.edge.session.PrivacyService;
import io.parley.schemas.events.ReceiptStatus;
import io.parley.schemas.events.ReceiptUpdate;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.events.Signal;
import io.parley.schemas.frames.ServerFrame;

/** Turns delivered payloads into frames on one local connection. */
public final class Deliverer {
    private final CatchUp catchUp;
    private final PrivacyService privacy;

    public Deliverer(CatchUp catchUp, PrivacyService privacy) {
        this.catchUp = catchUp;
        this.privacy = privacy;
    }

    /**
     * A sequenced message: the sending device gets its {@code sent} tick first; every connection
     * that joined the room gets the message through its merger (gap-free, in order).
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
                c.emitMessages(stream.merger.accept(m));
                catchUp.startIfNeeded(c, stream);
            }
        }
    }

    /** Typing and presence: droppable under load; false if dropped. */
    public boolean signal(Connection c, Signal s) {
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
     * {@code sent}, ticks reach the sender's devices whether or not they joined the room.
     */
    public void receipt(Connection c, ReceiptUpdate u) {
        if (u.status() == ReceiptStatus.READ
                && (!privacy.get(c.userId).readReceipts()
                        || (u.userId() != null && !privacy.get(u.userId()).readReceipts()))) {
            return;
        }
        c.emit(ServerFrame.Receipt.of(u), false);
    }
}

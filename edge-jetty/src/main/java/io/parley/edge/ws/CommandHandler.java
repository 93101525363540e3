package io.parley.edge.ws;

import io.parley.edge.delivery.Publisher;
import io.parley.edge.limits.Admission;
import io.parley.edge.limits.Budget;
import io.parley.edge.media.MediaService;
import io.parley.edge.rooms.RoomService;
import io.parley.edge.session.PresenceService;
import io.parley.edge.session.SessionRegistry;
import io.parley.edge.session.ToDeviceService;
import io.parley.schemas.events.MediaRef;
import io.parley.schemas.events.ReceiptEvent;
import io.parley.schemas.events.ReceiptStatus;
import io.parley.schemas.events.RoomEvent;
import io.parley.schemas.events.SendCommand;
import io.parley.schemas.events.Signal;
import io.parley.schemas.frames.ClientCommand;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.FrameCodec;
import io.parley.schemas.frames.ProtocolException;
import io.parley.schemas.frames.ServerFrame;
import java.time.Clock;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The decisions behind every client command: membership, admission (rate limits), and what is
 * published where. The socket endpoint only parses and calls {@link #handle}.
 */
public final class CommandHandler {
    private static final Logger LOG = Logger.getLogger(CommandHandler.class.getName());

    /** Consecutive rate-limited commands after which a client is disconnected (1008). */
    static final int MAX_RATE_LIMIT_STRIKES = 20;

    /** Bad frames within {@link #BAD_FRAME_WINDOW_MS} after which a client is disconnected. */
    static final int MAX_BAD_FRAMES = 20;

    static final long BAD_FRAME_WINDOW_MS = 10_000;

    private final String gatewayId;
    private final FrameCodec codec;
    private final RoomService rooms;
    private final SessionRegistry sessions;
    private final PresenceService presence;
    private final Publisher publisher;
    private final MediaService media;
    private final CatchUp catchUp;
    private final Clock clock;
    private final Admission admission;
    private final ToDeviceService toDevice;

    public CommandHandler(
            String gatewayId,
            FrameCodec codec,
            RoomService rooms,
            SessionRegistry sessions,
            PresenceService presence,
            Publisher publisher,
            MediaService media,
            CatchUp catchUp,
            Clock clock,
            Admission admission,
            ToDeviceService toDevice) {
        this.gatewayId = gatewayId;
        this.codec = codec;
        this.rooms = rooms;
        this.sessions = sessions;
        this.presence = presence;
        this.publisher = publisher;
        this.media = media;
        this.catchUp = catchUp;
        this.clock = clock;
        this.admission = admission;
        this.toDevice = toDevice;
    }

    /** Parses and runs one text frame; every failure becomes an error frame. */
    public void onText(Connection c, String text) {
        FrameCodec.Parsed parsed = codec.parse(text);
        if (parsed.error() != null) {
            if (parsed.malformed()) {
                c.emit(parsed.error(), false);
                badFrame(c);
            } else {
                // an unknown type: an error frame, not a disconnect, but it costs a refusal
                refuse(c, parsed.error());
            }
            return;
        }
        ClientCommand command = parsed.command();
        try {
            handle(c, command);
        } catch (ProtocolException e) {
            if (e.code() == ErrorCode.RATE_LIMITED) {
                c.emit(e.toFrame(command.ref()), false);
            } else {
                refuse(c, e.toFrame(command.ref()));
            }
        } catch (RuntimeException e) {
            // ids only: a command's body is the user's, not the log's
            LOG.log(
                    Level.WARNING,
                    "command " + command.getClass().getSimpleName() + " of " + c.userId + " failed",
                    e);
            c.emit(ServerFrame.Error.of(ErrorCode.UNAVAILABLE, "try again", command.ref()), false);
        }
    }

    void handle(Connection c, ClientCommand command) {
        admit(c, CommandCosts.budgetOf(command), CommandCosts.costOf(command));
        if (command instanceof ClientCommand.Join j) {
            join(c, j);
        } else if (command instanceof ClientCommand.Leave l) {
            c.rooms.remove(l.roomId());
        } else if (command instanceof ClientCommand.Send s) {
            send(c, s);
        } else if (command instanceof ClientCommand.Edit e) {
            change(
                    c,
                    e.roomId(),
                    e.clientMsgId(),
                    RoomEvent.edited(e.targetSeq(), e.body()),
                    e.ciphertext(),
                    e.ref());
        } else if (command instanceof ClientCommand.Delete d) {
            change(c, d.roomId(), d.clientMsgId(), RoomEvent.deleted(d.targetSeq()), d.ref());
        } else if (command instanceof ClientCommand.React r) {
            change(
                    c,
                    r.roomId(),
                    r.clientMsgId(),
                    RoomEvent.reaction(r.targetSeq(), r.emoji(), r.active()),
                    r.ref());
        } else if (command instanceof ClientCommand.Ack a) {
            receipt(c, a.roomId(), a.seq(), ReceiptStatus.DELIVERED);
        } else if (command instanceof ClientCommand.Read r) {
            receipt(c, r.roomId(), r.seq(), ReceiptStatus.READ);
        } else if (command instanceof ClientCommand.Typing t) {
            typing(c, t);
        } else if (command instanceof ClientCommand.Resume r) {
            resume(c, r);
        } else if (command instanceof ClientCommand.Presence p) {
            presenceOf(c, p.status());
        } else if (command instanceof ClientCommand.Ping p) {
            ping(c, p);
        } else if (command instanceof ClientCommand.ToDevice t) {
            toDevice.send(c, t);
        } else if (command instanceof ClientCommand.ToDeviceAck a) {
            toDevice.ack(c, a);
        }
    }

    private void join(Connection c, ClientCommand.Join j) {
        if (!rooms.isMember(j.roomId(), c.userId)) {
            replayFormerMember(c, j.roomId(), j.sinceSeq(), j.ref());
            return;
        }
        long last = rooms.lastSeq(j.roomId());
        long read = rooms.readSeq(j.roomId(), c.userId);
        long from = j.sinceSeq() == null ? last : j.sinceSeq();
        synchronized (c) {
            c.emit(new ServerFrame.Joined(j.roomId(), last, read, j.ref()), false);
            RoomStream stream = new RoomStream(j.roomId(), new SeqMerger(from, last), null);
            c.rooms.put(j.roomId(), stream);
        }
        coverRegistrationRace(c, j.roomId());
    }

    /**
     * A message routed after the room's last seq was read but before its stream was registered went
     * past this connection. FanOut raises the last seq before it routes, so reading it again now
     * covers every such message: the stream treats them as a gap and fetches them. Starts the
     * stream's catch-up (replay) too.
     */
    private void coverRegistrationRace(Connection c, String roomId) {
        long last = rooms.lastSeq(roomId);
        synchronized (c) {
            RoomStream stream = c.rooms.get(roomId);
            if (stream != null) {
                stream.merger.raiseTarget(last);
                catchUp.startIfNeeded(c, stream);
            }
        }
    }

    private void resume(Connection c, ClientCommand.Resume r) {
        for (ClientCommand.RoomPosition position : r.rooms()) {
            String roomId = position.roomId();
            if (!rooms.isMember(roomId, c.userId)) {
                if (!replayFormerMember(c, roomId, position.lastSeq(), r.ref())) {
                    return; // out of refusals: the rest of the rooms are not looked up
                }
                continue;
            }
            long last = rooms.lastSeq(roomId);
            synchronized (c) {
                SeqMerger merger = new SeqMerger(position.lastSeq(), last);
                RoomStream stream = new RoomStream(roomId, merger, null);
                stream.onCaughtUp =
                        () ->
                                c.emit(
                                        new ServerFrame.Resumed(
                                                roomId, merger.delivered(), r.ref()),
                                        false);
                c.rooms.put(roomId, stream);
            }
            coverRegistrationRace(c, roomId);
        }
    }

    /**
     * PROTOCOL.md section 4: a former member's join/resume replays the room up to and including
     * their own {@code member_removed}, then answers {@code forbidden}; anyone else is refused at
     * once, and that refusal counts against the connection's budget.
     *
     * @return false if that budget ran out (the client got {@code rate_limited} instead)
     */
    private boolean replayFormerMember(Connection c, String roomId, Long sinceSeq, String ref) {
        Long removedAt = rooms.removedAt(roomId, c.userId);
        ServerFrame.Error refusal =
                ServerFrame.Error.of(ErrorCode.FORBIDDEN, "not a member of room " + roomId, ref);
        if (removedAt == null || sinceSeq == null || sinceSeq >= removedAt) {
            return refuse(c, refusal);
        }
        synchronized (c) {
            RoomStream stream =
                    new RoomStream(roomId, new SeqMerger(sinceSeq, removedAt, removedAt), null);
            stream.onCaughtUp =
                    () -> {
                        c.rooms.remove(roomId, stream);
                        c.emit(refusal, false);
                    };
            c.rooms.put(roomId, stream);
            catchUp.startIfNeeded(c, stream);
        }
        return true;
    }

    private void send(Connection c, ClientCommand.Send s) {
        long now = clock.millis();
        rooms.requireMember(s.roomId(), c.userId);
        List<MediaRef> attachments =
                s.mediaIds() == null || s.mediaIds().isEmpty()
                        ? null
                        : media.resolveForSend(c.userId, s.roomId(), s.mediaIds());
        SendCommand command =
                new SendCommand(
                        s.roomId(),
                        c.userId,
                        c.deviceId,
                        gatewayId,
                        s.clientMsgId(),
                        s.body(),
                        attachments,
                        s.replyToSeq(),
                        s.clientTs() == null ? now : s.clientTs(),
                        now,
                        null,
                        s.ciphertext());
        c.rememberRef(s.roomId(), s.clientMsgId(), s.ref());
        publisher
                .send(command)
                .exceptionally(
                        e -> {
                            c.emit(
                                    ServerFrame.Error.of(
                                            ErrorCode.UNAVAILABLE,
                                            "could not append the message; retry with the same"
                                                    + " client_msg_id",
                                            s.ref()),
                                    false);
                            return null;
                        });
    }

    /**
     * {@code edit}, {@code delete}, {@code react}: commands to the room's log, admitted like sends.
     * The Sequencer decides their rules (sender, admin, target) and answers with {@code sent} or an
     * error frame routed back to this device.
     */
    private void change(
            Connection c, String roomId, String clientMsgId, RoomEvent event, String ref) {
        change(c, roomId, clientMsgId, event, false, ref);
    }

    private void change(
            Connection c,
            String roomId,
            String clientMsgId,
            RoomEvent event,
            boolean ciphertext,
            String ref) {
        long now = clock.millis();
        rooms.requireMember(roomId, c.userId);
        c.rememberRef(roomId, clientMsgId, ref);
        publisher
                .send(
                        SendCommand.event(
                                roomId,
                                c.userId,
                                c.deviceId,
                                gatewayId,
                                clientMsgId,
                                event,
                                now,
                                ciphertext))
                .exceptionally(
                        e -> {
                            c.emit(
                                    ServerFrame.Error.of(
                                            ErrorCode.UNAVAILABLE,
                                            "could not append the change; retry with the same"
                                                    + " client_msg_id",
                                            ref),
                                    false);
                            return null;
                        });
    }

    /**
     * Takes a command's cost from its budget (the connection's, then the user's on this gateway);
     * refused, it is answered {@code rate_limited} and repeated refusals disconnect (1008).
     */
    private void admit(Connection c, Budget budget, long cost) {
        long wait = admission.take(c.meters, c.userId, budget, cost);
        if (wait == 0) {
            c.rateLimitStrikes = 0;
            return;
        }
        strike(c);
        throw new ProtocolException(ErrorCode.RATE_LIMITED, CommandCosts.slowDown(budget), wait);
    }

    /**
     * Answers a refused command: its error frame while the refusal budget lasts, then {@code
     * rate_limited} (a strike) instead.
     *
     * @return whether the error frame itself went out
     */
    private boolean refuse(Connection c, ServerFrame.Error refusal) {
        long wait = admission.take(c.meters, c.userId, Budget.REFUSALS, 1);
        if (wait == 0) {
            c.emit(refusal, false);
            return true;
        }
        strike(c);
        c.emit(
                ServerFrame.Error.of(
                                ErrorCode.RATE_LIMITED,
                                CommandCosts.slowDown(Budget.REFUSALS),
                                refusal.ref())
                        .withRetryAfter(wait),
                false);
        return false;
    }

    private void strike(Connection c) {
        if (++c.rateLimitStrikes > MAX_RATE_LIMIT_STRIKES) {
            c.close(Connection.CLOSE_POLICY, "kept sending while rate limited");
        }
    }

    private void badFrame(Connection c) {
        long now = clock.millis();
        if (now - c.lastBadFrameAt > BAD_FRAME_WINDOW_MS) {
            c.badFrameStrikes = 0;
        }
        c.lastBadFrameAt = now;
        if (++c.badFrameStrikes > MAX_BAD_FRAMES) {
            c.close(Connection.CLOSE_POLICY, "too many malformed frames");
        }
    }

    private void receipt(Connection c, String roomId, long seq, ReceiptStatus status) {
        rooms.requireMember(roomId, c.userId);
        long last = rooms.lastSeq(roomId);
        if (seq > last) {
            // the group aggregate is a max and cursors only rise: one such seq would stick forever
            throw new ProtocolException(
                    ErrorCode.BAD_REQUEST, "seq " + seq + " is beyond the room's last seq " + last);
        }
        publisher.receipt(
                new ReceiptEvent(roomId, c.userId, c.deviceId, seq, status, clock.millis()));
    }

    private void typing(Connection c, ClientCommand.Typing t) {
        rooms.requireMember(t.roomId(), c.userId);
        publisher.signal(Signal.typing(t.roomId(), c.userId, t.active(), clock.millis()));
    }

    private void ping(Connection c, ClientCommand.Ping p) {
        long now = clock.millis();
        sessions.register(c.userId, c.deviceId, c.presenceStatus, now);
        presence.refresh(c.userId, now);
        c.emit(new ServerFrame.Pong(p.ref()), false);
    }

    /** This device's status; the user's presence is the aggregate over their devices. */
    private void presenceOf(Connection c, String status) {
        long now = clock.millis();
        c.presenceStatus = status;
        sessions.register(c.userId, c.deviceId, status, now);
        presence.devicesChanged(c.userId, now);
    }
}

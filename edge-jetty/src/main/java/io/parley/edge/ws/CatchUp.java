package io.parley.edge.ws;

import io.parley.edge.store.MessageStore;
import io.parley.schemas.events.SequencedMessage;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fills a room stream's gaps from the message archive, page by page, while live messages keep
 * arriving and are held by the merger. The archive may lag the live path by the persistence job's
 * delay, so a page that brings nothing is retried shortly; after {@code giveUpMs} without any
 * progress the connection is closed with 1013 (the client resumes from its last seq) rather than
 * delivering past a gap. Pages wait for the connection's outbound queue to drain below its soft
 * limit, so a long replay cannot overload the client.
 */
public final class CatchUp {
    private static final Logger LOG = Logger.getLogger(CatchUp.class.getName());
    private static final int PAGE = 200;
    private static final long RETRY_MS = 25;

    private final MessageStore store;
    private final ScheduledExecutorService executor;
    private final int softLimit;
    private final long giveUpMs;

    public CatchUp(
            MessageStore store, ScheduledExecutorService executor, int softLimit, long giveUpMs) {
        this.store = store;
        this.executor = executor;
        this.softLimit = softLimit;
        this.giveUpMs = giveUpMs;
    }

    /** Starts filling if the stream has a gap and no fill is running; caller holds c's lock. */
    void startIfNeeded(Connection c, RoomStream s) {
        if (s.catchingUp) {
            return;
        }
        if (s.merger.gap() == null) {
            fireCaughtUp(s);
            return;
        }
        s.catchingUp = true;
        executor.execute(() -> step(c, s, System.currentTimeMillis()));
    }

    private void step(Connection c, RoomStream s, long lastProgress) {
        if (c.isClosed() || c.rooms.get(s.roomId) != s) {
            return;
        }
        if (c.queued() > softLimit / 2) {
            executor.schedule(
                    () -> step(c, s, System.currentTimeMillis()), RETRY_MS, TimeUnit.MILLISECONDS);
            return;
        }
        long[] gap;
        synchronized (c) {
            gap = s.merger.gap();
            if (gap == null) {
                s.catchingUp = false;
                fireCaughtUp(s);
                return;
            }
        }
        List<SequencedMessage> page;
        try {
            page = store.range(s.roomId, gap[0], gap[1], PAGE);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "catch-up read failed for room " + s.roomId + ", retrying", e);
            page = List.of();
        }
        boolean progress;
        synchronized (c) {
            long before = s.merger.delivered();
            for (SequencedMessage m : page) {
                c.emitMessages(s.merger.accept(m));
            }
            progress = s.merger.delivered() > before;
            if (!progress && System.currentTimeMillis() - lastProgress > giveUpMs) {
                // never deliver past a gap: the client resumes later, when the archive has it
                LOG.warning(
                        "room "
                                + s.roomId
                                + ": seqs "
                                + gap[0]
                                + ".."
                                + gap[1]
                                + " not in the archive after "
                                + giveUpMs
                                + " ms; closing so the client resumes");
                c.close(Connection.CLOSE_OVERLOADED, "could not fill a gap in time: resume");
                return;
            }
        }
        long since = progress ? System.currentTimeMillis() : lastProgress;
        if (progress) {
            executor.execute(() -> step(c, s, since));
        } else {
            executor.schedule(() -> step(c, s, since), RETRY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private static void fireCaughtUp(RoomStream s) {
        Runnable r = s.onCaughtUp;
        s.onCaughtUp = null;
        if (r != null) {
            r.run();
        }
    }
}

package io.parley.functions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes room records durable by group commit: at most one write in flight per room, and the sends
 * that arrive meanwhile share the next write, which carries the newest record (records are
 * cumulative, so the newest covers them all). Writes of different rooms run concurrently on the
 * executor, which lets the store batch their syncs.
 *
 * <p>Order of a batch: the room record first (its waiters complete as soon as it is durable), then
 * the batch's client-id records; the next batch of the room starts only after both. So a client-id
 * record is never durable before the room record that counts its seq, and an entry leaves the room
 * record's window only after its client-id record is durable.
 *
 * <p>A failed write is retried with a pause until it succeeds or the committer is closed: giving up
 * would publish later seqs before an earlier one.
 */
final class RoomCommitter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RoomCommitter.class.getName());
    private static final long RETRY_PAUSE_MS = 200;

    private final KeyValueState store;
    private final Executor executor;
    private final Map<String, Slot> slots = new HashMap<>();
    private final Map<String, String> unwrittenClients = new HashMap<>();
    private volatile boolean closed;

    RoomCommitter(KeyValueState store, Executor executor) {
        this.store = store;
        this.executor = executor;
    }

    /** What a room has waiting for its next write. */
    private static final class Slot {
        boolean writing;
        Supplier<String> record;
        final Map<String, String> clients = new LinkedHashMap<>();
        final List<CompletableFuture<Void>> waiters = new ArrayList<>();

        boolean idle() {
            return record == null && clients.isEmpty() && waiters.isEmpty();
        }
    }

    /** Everything a batch writes, taken from a slot. */
    private record Batch(
            String roomKey,
            Supplier<String> record,
            Map<String, String> clients,
            List<CompletableFuture<Void>> waiters) {}

    /**
     * Queues the room's newest record and a client-id record; the future completes once a write
     * carrying this record (or a newer one) is durable. The record is rendered only if it is still
     * the newest when its write starts, on a writer thread.
     */
    CompletableFuture<Void> commit(
            String roomKey, Supplier<String> record, String clientKey, String clientRecord) {
        return commit(roomKey, record, Map.of(clientKey, clientRecord));
    }

    /**
     * Queues the room's newest record and side records (client ids, message facts) written after
     * it; a later side record of the same key replaces an earlier one not yet written.
     */
    CompletableFuture<Void> commit(
            String roomKey, Supplier<String> record, Map<String, String> sideRecords) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Batch batch;
        synchronized (this) {
            Slot slot = slots.computeIfAbsent(roomKey, k -> new Slot());
            if (record != null) {
                slot.record = record;
            }
            slot.clients.putAll(sideRecords);
            unwrittenClients.putAll(sideRecords);
            slot.waiters.add(done);
            batch = take(roomKey, slot);
        }
        launch(batch);
        return done;
    }

    /**
     * Queues side records without a new room record, written before any room record queued after
     * them (a batch starts only once the previous one's side records are durable).
     */
    CompletableFuture<Void> rewrite(String roomKey, Map<String, String> sideRecords) {
        return commit(roomKey, null, sideRecords);
    }

    /** Completes once everything queued for the room so far is durable. */
    CompletableFuture<Void> flushed(String roomKey) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Batch batch;
        synchronized (this) {
            Slot slot = slots.get(roomKey);
            if (slot == null || (!slot.writing && slot.idle())) {
                return CompletableFuture.completedFuture(null);
            }
            slot.waiters.add(done);
            batch = take(roomKey, slot);
        }
        launch(batch);
        return done;
    }

    /**
     * A client-id record queued but not yet durable, so a retry is recognised before its record
     * reaches the store; null when there is none.
     */
    synchronized String unwrittenClient(String clientKey) {
        return unwrittenClients.get(clientKey);
    }

    /** Whether everything ever queued for the room is durable (nothing queued or in flight). */
    synchronized boolean settled(String roomKey) {
        return !slots.containsKey(roomKey);
    }

    /** Takes the slot's pending work as a batch if no write of the room is in flight. */
    private Batch take(String roomKey, Slot slot) {
        if (slot.writing || slot.idle()) {
            return null;
        }
        slot.writing = true;
        Batch batch =
                new Batch(
                        roomKey,
                        slot.record,
                        new LinkedHashMap<>(slot.clients),
                        new ArrayList<>(slot.waiters));
        slot.record = null;
        slot.clients.clear();
        slot.waiters.clear();
        return batch;
    }

    private void launch(Batch batch) {
        if (batch != null) {
            executor.execute(() -> write(batch));
        }
    }

    private void write(Batch batch) {
        if (batch.record() != null && !putUntilDone(batch.roomKey(), batch.record().get())) {
            return;
        }
        batch.waiters().forEach(w -> w.complete(null));
        List<CompletableFuture<Void>> clientWrites = new ArrayList<>();
        for (Map.Entry<String, String> client : batch.clients().entrySet()) {
            clientWrites.add(
                    CompletableFuture.runAsync(
                            () -> putUntilDone(client.getKey(), client.getValue()), executor));
        }
        CompletableFuture.allOf(clientWrites.toArray(CompletableFuture[]::new))
                .whenComplete((ok, e) -> finish(batch));
    }

    private void finish(Batch batch) {
        Batch next;
        synchronized (this) {
            // a newer value of the same key queued meanwhile stays until its own write
            batch.clients().forEach(unwrittenClients::remove);
            Slot slot = slots.get(batch.roomKey());
            slot.writing = false;
            next = take(batch.roomKey(), slot);
            if (next == null && slot.idle()) {
                slots.remove(batch.roomKey());
            }
        }
        launch(next);
    }

    /** Puts until the store takes it; false only when closed first. */
    private boolean putUntilDone(String key, String value) {
        while (!closed) {
            try {
                store.put(key, value);
                return true;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "state write of " + key + " failed, retrying", e);
                try {
                    Thread.sleep(RETRY_PAUSE_MS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    /** Stops retrying; batches not yet durable never complete, so their sends are not published. */
    @Override
    public void close() {
        closed = true;
    }
}

package herald.delivery;

import herald.store.Database;
import herald.store.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records attempts' outcomes with group commit: every outcome waiting when the writer is free goes
 * into one transaction, so a commit (an fsync on SQLite) is shared by many deliveries instead of
 * paid by each. A caller returns once its outcome is committed.
 */
final class FinishWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FinishWriter.class);
    private static final int MAX_GROUP = 1000;
    /**
     * A group smaller than this waits up to {@link #LINGER_NANOS} for more: a commit writes each
     * touched page once, so fewer, larger groups cost the database less per outcome (measured on
     * SQLite: about 26 outcomes per commit gave 7k deliveries/s, 100 gave 9–10k). The wait holds
     * no send slot, only the delivery's room (see Dispatcher).
     */
    private static final int MIN_GROUP = 100;
    private static final long LINGER_NANOS = 5_000_000L;
    /**
     * How long outcomes that cannot be recorded (the database down, its disk full) are tried again
     * before they are left to their leases: the senders wait meanwhile, so nothing more is sent
     * that could not be recorded either, and when the database comes back nothing is sent twice.
     */
    private static final long RECORD_RETRY_MS = 60_000;

    /**
     * One outcome to record: the delivery's new state, and the attempt (null when nothing was sent);
     * {@code slot} when its subscription orders by a key: its room may go to the next one of the key.
     */
    record Finish(Delivery delivery, String status, long nextAttemptAt, String lastError, Attempt attempt, long at,
                  DeliverySender.Slot slot) {}

    /** A claimed delivery's new state after an attempt; a no-op once its lease was lost (another node took it). */
    static final Rows<Finish> FINISH = Rows.update("deliveries", "id",
            "status = :status, attempts = attempts + 1, next_attempt_at = :next_at, last_error = :error,"
                    + " lease_until = NULL, updated_at = :at", "id = :id AND status = 'delivering'", List.of(
                    new Rows.Column<>("id", Rows.Type.TEXT, f -> f.delivery().id()),
                    new Rows.Column<>("status", Rows.Type.TEXT, Finish::status),
                    new Rows.Column<>("next_at", Rows.Type.BIGINT, Finish::nextAttemptAt),
                    new Rows.Column<>("error", Rows.Type.TEXT, Finish::lastError),
                    new Rows.Column<>("at", Rows.Type.BIGINT, Finish::at)));

    /** A finish with the caller waiting for its commit. */
    private record Waiting(Finish finish, CompletableFuture<Void> done) {}

    private final Database db;
    private final DeliveryStore store;
    private final NextSender nextSender;
    private final Runnable wake;
    /** Whether the group just recorded left next deliveries of keys to claims; writer thread only. */
    private boolean leftToClaims;
    /** The hand-off the group being recorded opened (its room goes back if the commit fails); writer thread only. */
    private Handoff opened;
    private final BlockingQueue<Waiting> queue = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private final Thread writer;

    /** Opens a hand-off to this node's dispatcher inside an outcome's transaction; null when it cannot take any now. */
    interface NextSender {
        Handoff open(Connection c, long now) throws SQLException;
    }

    /** {@code wake}: the dispatcher claims now, next deliveries of keys were left to claims. */
    FinishWriter(Database db, DeliveryStore store, NextSender nextSender, Runnable wake) {
        this.db = db;
        this.store = store;
        this.nextSender = nextSender;
        this.wake = wake;
        this.writer = Thread.ofPlatform().daemon().name("delivery-outcomes").start(this::run);
    }

    /** Like {@link DeliveryStore#finish}, committed together with whatever else is waiting. */
    void finish(Delivery d, String status, long nextAttemptAt, String lastError, Attempt attempt, DeliverySender.Slot slot) {
        Waiting w = new Waiting(new Finish(d, status, nextAttemptAt, lastError, attempt, 0, slot), new CompletableFuture<>());
        queue.add(w);
        w.done().join();
    }

    private void run() {
        List<Waiting> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Waiting first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                long until = System.nanoTime() + LINGER_NANOS;
                while (group.size() < MIN_GROUP && running) {
                    Waiting more = queue.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (more == null) break;
                    group.add(more);
                    queue.drainTo(group, MAX_GROUP - group.size());
                }
                commit(group);
            } catch (InterruptedException e) {
                return;
            } finally {
                group.clear();
            }
        }
    }

    private void commit(List<Waiting> group) {
        long giveUpAt = System.currentTimeMillis() + RECORD_RETRY_MS;
        for (long pause = 200; ; pause = Math.min(pause * 2, 5_000)) {
            try {
                Handoff next = record(group);
                group.forEach(w -> w.done().complete(null));
                if (next != null) next.committed();
                if (leftToClaims) wake.run();
                return;
            } catch (RuntimeException e) {
                if (opened != null) opened.abandoned();
                if (!running || System.currentTimeMillis() + pause > giveUpAt) {
                    log.warn("delivery.record_failed deliveries={} error={}", group.size(), e.toString());
                    // Not recorded: each stays delivering until its lease runs out, then is sent again.
                    group.forEach(w -> w.done().complete(null));
                    return;
                }
                log.warn("delivery.record_retrying deliveries={} in_ms={} error={}", group.size(), pause, e.toString());
                try {
                    Thread.sleep(pause); // back-off while the database cannot write (down, or its disk full)
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    group.forEach(w -> w.done().complete(null));
                    return;
                }
            }
        }
    }

    private Handoff record(List<Waiting> group) {
        opened = null;
        leftToClaims = false;
        return db.inBookkeepingTransaction(c -> {
            long now = System.currentTimeMillis();
            List<Finish> finishes = new ArrayList<>(group.size());
            for (Waiting w : group) {
                Finish f = w.finish();
                finishes.add(new Finish(f.delivery(), f.status(), f.nextAttemptAt(), f.lastError(), f.attempt(), now, f.slot()));
            }
            // A lease lost meanwhile (another node took the delivery): its attempt is not ours to record.
            boolean[] kept = db.dialect().write(c, FINISH, finishes).changed();
            List<Attempt> attempts = new ArrayList<>();
            for (int i = 0; i < finishes.size(); i++) {
                if (kept[i] && finishes.get(i).attempt() != null) attempts.add(finishes.get(i).attempt());
            }
            store.insertAttempts(c, attempts);
            List<Finish> ended = new ArrayList<>();
            for (int i = 0; i < finishes.size(); i++) {
                Finish f = finishes.get(i);
                if (!kept[i] || f.slot() == null) continue;
                if (f.status().equals("retrying")) OrderingKeys.holdBehindRetry(c, f.delivery().id(), f.nextAttemptAt());
                else ended.add(f);
            }
            return moveOn(c, ended, now);
        });
    }

    /**
     * The next deliveries of keys whose deliveries ended are handed to this node's dispatcher, to be
     * sent as soon as this commit is done (a claim per key and step would be the slowest part of
     * an ordered run), each in the room of one that ended. Only while nothing waits for a claim
     * that is older by more than {@link OrderingKeys#TURN_MS}: else a few busy keys would keep the
     * room and hold the other keys up. Those not taken are left to claims, in their place in line.
     */
    private Handoff moveOn(Connection c, List<Finish> ended, long now) throws SQLException {
        if (ended.isEmpty()) return null;
        List<String> endedIds = ended.stream().map(f -> f.delivery().id()).toList();
        OrderingKeys.lockLines(c, db.dialect(), endedIds);
        Handoff handoff = nextSender.open(c, now);
        opened = handoff;
        List<String> takeable = new ArrayList<>();
        Deque<DeliverySender.Slot> rooms = new ArrayDeque<>();
        for (Finish f : ended) {
            if (handoff == null || !handoff.mayTake(f.delivery().serviceId())) continue; // the next one has the same service
            takeable.add(f.delivery().id());
            rooms.add(f.slot());
        }
        int handedOn = 0;
        if (!takeable.isEmpty()) {
            long oldestDue = OrderingKeys.oldestDue(c);
            long eventsUntil = oldestDue > now ? Long.MAX_VALUE : oldestDue + OrderingKeys.TURN_MS;
            List<Delivery> noRoom = new ArrayList<>();
            for (Delivery d : OrderingKeys.takeNext(c, db.dialect(), takeable, eventsUntil, now, handoff.leaseUntil())) {
                boolean room = handoff.takeNext(d, () -> {
                    while (!rooms.isEmpty()) if (rooms.poll().handOverRoom()) return true;
                    return false;
                });
                if (room) handedOn++;
                else noRoom.add(d);
            }
            OrderingKeys.giveBack(c, noRoom);
            leftToClaims = !noRoom.isEmpty();
        }
        // Some keys did not go on here (out of turn, their service held back, no room, or nothing next):
        if (handedOn < ended.size()) {
            leftToClaims |= OrderingKeys.releaseNext(c, db.dialect(), endedIds);
        }
        return handoff;
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

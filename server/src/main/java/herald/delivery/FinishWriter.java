package herald.delivery;

import herald.store.Database;
import java.sql.PreparedStatement;
import java.util.ArrayList;
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

    private record Finish(Delivery delivery, String status, long nextAttemptAt, String lastError, Attempt attempt,
                          CompletableFuture<Void> done) {}

    private final Database db;
    private final BlockingQueue<Finish> queue = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private final Thread writer;

    FinishWriter(Database db) {
        this.db = db;
        this.writer = Thread.ofPlatform().daemon().name("delivery-outcomes").start(this::run);
    }

    /** Like {@link DeliveryStore#finish}, committed together with whatever else is waiting. */
    void finish(Delivery d, String status, long nextAttemptAt, String lastError, Attempt attempt) {
        Finish f = new Finish(d, status, nextAttemptAt, lastError, attempt, new CompletableFuture<>());
        queue.add(f);
        f.done().join();
    }

    private void run() {
        List<Finish> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Finish first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                commit(group);
            } catch (InterruptedException e) {
                return;
            } finally {
                group.clear();
            }
        }
    }

    private void commit(List<Finish> group) {
        try {
            db.inBookkeepingTransaction(c -> {
                int[] updated;
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?,"
                                + " lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'delivering'")) {
                    long now = System.currentTimeMillis();
                    for (Finish f : group) {
                        ps.setString(1, f.status());
                        ps.setLong(2, f.nextAttemptAt());
                        ps.setString(3, f.lastError());
                        ps.setLong(4, now);
                        ps.setString(5, f.delivery().id());
                        ps.addBatch();
                    }
                    updated = ps.executeBatch();
                }
                List<Attempt> attempts = new ArrayList<>();
                for (int i = 0; i < group.size(); i++) {
                    // A lease lost meanwhile (another node took the delivery): its attempt is not ours to record.
                    if (updated[i] != 0 && group.get(i).attempt() != null) attempts.add(group.get(i).attempt());
                }
                DeliveryStore.insertAttempts(c, attempts);
                return null;
            });
            group.forEach(f -> f.done().complete(null));
        } catch (RuntimeException e) {
            log.warn("delivery.record_failed deliveries={} error={}", group.size(), e.toString());
            // Not recorded: each stays delivering until its lease runs out, then is sent again.
            group.forEach(f -> f.done().complete(null));
        }
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

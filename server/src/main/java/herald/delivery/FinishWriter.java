package herald.delivery;

import herald.store.Database;
import herald.store.PgColumns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
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
                long until = System.nanoTime() + LINGER_NANOS;
                while (group.size() < MIN_GROUP && running) {
                    Finish more = queue.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
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

    private void commit(List<Finish> group) {
        try {
            boolean pg = db.dialect() == Database.Dialect.POSTGRES;
            db.inBookkeepingTransaction(c -> {
                long now = System.currentTimeMillis();
                // A lease lost meanwhile (another node took the delivery): its attempt is not ours to record.
                Set<String> kept = pg ? updatePostgres(c, group, now) : updateBatch(c, group, now);
                List<Attempt> attempts = new ArrayList<>();
                for (Finish f : group) if (f.attempt() != null && kept.contains(f.delivery().id())) attempts.add(f.attempt());
                if (pg) DeliveryStore.insertAttemptsPostgres(c, attempts);
                else DeliveryStore.insertAttempts(c, attempts);
                return null;
            });
            group.forEach(f -> f.done().complete(null));
        } catch (RuntimeException e) {
            log.warn("delivery.record_failed deliveries={} error={}", group.size(), e.toString());
            // Not recorded: each stays delivering until its lease runs out, then is sent again.
            group.forEach(f -> f.done().complete(null));
        }
    }

    private static Set<String> updateBatch(Connection c, List<Finish> group, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DeliveryStore.FINISH)) {
            for (Finish f : group) {
                ps.setString(1, f.status());
                ps.setLong(2, f.nextAttemptAt());
                ps.setString(3, f.lastError());
                ps.setLong(4, now);
                ps.setString(5, f.delivery().id());
                ps.addBatch();
            }
            int[] updated = ps.executeBatch();
            Set<String> kept = new HashSet<>();
            for (int i = 0; i < updated.length; i++) if (updated[i] != 0) kept.add(group.get(i).delivery().id());
            return kept;
        }
    }

    /** PostgreSQL: the group as one statement over arrays, much cheaper for the server than one each. */
    private static Set<String> updatePostgres(Connection c, List<Finish> group, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries d SET status = u.status, attempts = d.attempts + 1,"
                + " next_attempt_at = u.next_at, last_error = u.error, lease_until = NULL, updated_at = ?"
                + " FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[]) AS u(id, status, next_at, error)"
                + " WHERE d.id = u.id AND d.status = 'delivering' RETURNING d.id")) {
            ps.setLong(1, now);
            ps.setArray(2, PgColumns.text(c, group, f -> f.delivery().id()));
            ps.setArray(3, PgColumns.text(c, group, Finish::status));
            ps.setArray(4, PgColumns.bigint(c, group, Finish::nextAttemptAt));
            ps.setArray(5, PgColumns.text(c, group, Finish::lastError));
            Set<String> kept = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) kept.add(rs.getString(1));
            }
            return kept;
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

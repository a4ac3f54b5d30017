package herald.delivery;

import herald.store.Database;
import herald.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes what is done: delivered deliveries with their attempts once older than the retention
 * period, dead letters once older than theirs (learner data is not kept forever for a receiver
 * that never came back), then events older than the retention period that have no delivery left.
 * Anything still waiting keeps its event. Runs hourly in small batches so it never holds the write lock long.
 */
public final class Retention implements AutoCloseable {
    /** The dashboard shows at most a day; a week is kept for comparisons. */
    static final long STATS_KEPT_MS = 8 * 24 * 3_600_000L;
    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    private static final int BATCH = 1000;

    public record Pruned(long deliveries, long events) {}

    private final Database db;
    private final long retentionMs;
    private final long deadLetterRetentionMs;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("retention").factory());

    /** {@code deadLetterDays} 0: dead letters are kept until replayed or erased. */
    public Retention(Database db, int retentionDays, int deadLetterDays) {
        this.db = db;
        this.retentionMs = TimeUnit.DAYS.toMillis(retentionDays);
        this.deadLetterRetentionMs = deadLetterDays == 0 ? -1 : TimeUnit.DAYS.toMillis(deadLetterDays);
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::runQuietly, 1, 60, TimeUnit.MINUTES);
    }

    private void runQuietly() {
        try {
            Pruned p = prune(System.currentTimeMillis());
            if (p.deliveries() + p.events() > 0) log.info("retention.pruned deliveries={} events={}", p.deliveries(), p.events());
        } catch (RuntimeException e) {
            log.warn("retention.failed error={}", e.toString());
        }
    }

    /** Prunes what finished before {@code now} minus the retention period. */
    public Pruned prune(long now) {
        long cutoff = now - retentionMs;
        long deliveries = 0;
        Pass pass;
        do {
            pass = db.inTransaction(c -> pruneFinished(c, "delivered", cutoff));
            deliveries += pass.deleted();
        } while (pass.read() == BATCH);
        if (deadLetterRetentionMs > 0) {
            long deadCutoff = now - deadLetterRetentionMs;
            do {
                pass = db.inTransaction(c -> pruneFinished(c, "dead", deadCutoff));
                deliveries += pass.deleted();
            } while (pass.read() == BATCH);
        }
        int n;
        long events = 0;
        do {
            n = db.inTransaction(c -> pruneEvents(c, cutoff));
            events += n;
        } while (n == BATCH);
        db.inTransaction(c -> Dedupe.prune(c, now));
        db.inTransaction(c -> { // gateway calls whose delivery is gone
            try (var ps = c.prepareStatement("DELETE FROM gateway_requests WHERE created_at < ? AND NOT EXISTS"
                    + " (SELECT 1 FROM deliveries d WHERE d.event_id = gateway_requests.id)")) {
                ps.setLong(1, now - 3_600_000L);
                return ps.executeUpdate();
            }
        });
        db.inTransaction(c -> { // ordering keys' lines whose last delivery is gone (a key may be a personal value)
            try (var ps = c.prepareStatement("DELETE FROM ordering_tails WHERE updated_at < ? AND NOT EXISTS"
                    + " (SELECT 1 FROM deliveries d WHERE d.id = ordering_tails.delivery_id)")) {
                ps.setLong(1, now - 3_600_000L); // an ingest's or a replay's tail of the last hour stays, whatever it saw
                return ps.executeUpdate();
            }
        });
        db.inTransaction(c -> DeliveryStats.prune(c, now - STATS_KEPT_MS));
        return new Pruned(deliveries, events);
    }

    /**
     * One batch: how many were read as prunable, and how many of them were deleted (fewer when some
     * were replayed meanwhile). The caller goes on while a full batch was read.
     */
    private record Pass(int read, int deleted) {}

    /** {@code status} is a literal in the statement, so the status's partial index applies. */
    private static Pass pruneFinished(Connection c, String status, long cutoff) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM deliveries WHERE status = '" + status + "' AND updated_at < ? ORDER BY id LIMIT " + BATCH)) {
            ps.setLong(1, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
        }
        if (ids.isEmpty()) return new Pass(0, 0);
        // Still ended when deleted: on PostgreSQL one replayed since the read above is pending again.
        List<String> deleted = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM deliveries WHERE id IN (" + Sql.marks(ids.size())
                + ") AND status = '" + status + "' AND updated_at < ? RETURNING id")) {
            ps.setLong(Sql.bind(c, ps, 1, ids), cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) deleted.add(rs.getString(1));
            }
        }
        if (deleted.isEmpty()) return new Pass(ids.size(), 0);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM attempts WHERE delivery_id IN (" + Sql.marks(deleted.size()) + ")")) {
            Sql.bind(c, ps, 1, deleted);
            ps.executeUpdate();
        }
        return new Pass(ids.size(), deleted.size());
    }

    private static int pruneEvents(Connection c, long cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM events WHERE seq IN (SELECT e.seq FROM events e"
                + " WHERE e.received_at < ? AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)"
                + " ORDER BY e.seq LIMIT " + BATCH + ")")) {
            ps.setLong(1, cutoff);
            return ps.executeUpdate();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

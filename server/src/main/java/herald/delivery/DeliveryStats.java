package herald.delivery;

import herald.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery figures per service and minute, for the dashboard: attempts delivered, failed (to be
 * retried) and dead, and a latency histogram. Each node counts its own in memory and writes its
 * rows every {@link #FLUSH_S} seconds ({@code delivery_stats}, keyed by minute, service and node),
 * so the hot path adds no write and a dashboard over a day reads at most 1,440 rows per service
 * and node instead of every attempt. A node that dies loses at most its last seconds of figures.
 */
public final class DeliveryStats implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryStats.class);
    /** Upper bounds of the latency buckets, in milliseconds; one more bucket holds the rest. */
    static final long[] BOUNDS_MS = {10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000};
    static final int FLUSH_S = 5;
    private static final long MINUTE = 60_000;

    public enum Outcome { DELIVERED, FAILED, DEAD }

    /** Attempts in one time bucket, over every service and node. */
    public record Point(long at, long delivered, long failed, long dead) {}

    /** One service over a period: counts, success rate and the 95th percentile of latency (a bucket's upper bound). */
    public record ServiceFigures(String serviceId, long delivered, long failed, long dead, Long p95Ms) {
        public long total() {
            return delivered + failed + dead;
        }

        /** Delivered attempts among all, 0–1; null with no attempt. */
        public Double successRate() {
            return total() == 0 ? null : (double) delivered / total();
        }
    }

    private record Key(long minute, String serviceId) {}

    private static final class Cell {
        long delivered, failed, dead;
        final long[] latency = new long[BOUNDS_MS.length + 1];
        boolean dirty;
    }

    private final Database db;
    private final String node;
    private final Map<Key, Cell> cells = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "herald-delivery-stats");
        t.setDaemon(true);
        return t;
    });

    public DeliveryStats(Database db, String node) {
        this.db = db;
        this.node = node;
    }

    public void start() {
        flusher.scheduleWithFixedDelay(this::flushQuietly, FLUSH_S, FLUSH_S, TimeUnit.SECONDS);
    }

    /** Counts one attempt (or a delivery that died without one: {@code durationMs} < 0). */
    void record(String serviceId, Outcome outcome, long durationMs, long now) {
        Cell cell = cells.computeIfAbsent(new Key(now - now % MINUTE, serviceId), k -> new Cell());
        synchronized (cell) {
            switch (outcome) {
                case DELIVERED -> cell.delivered++;
                case FAILED -> cell.failed++;
                case DEAD -> cell.dead++;
            }
            if (durationMs >= 0) cell.latency[bucket(durationMs)]++;
            cell.dirty = true;
        }
    }

    static int bucket(long ms) {
        for (int i = 0; i < BOUNDS_MS.length; i++) {
            if (ms <= BOUNDS_MS[i]) return i;
        }
        return BOUNDS_MS.length;
    }

    /** Writes this node's changed minutes; forgets the minutes that ended and are written. */
    public void flush() {
        long now = System.currentTimeMillis();
        record Row(Key key, long delivered, long failed, long dead, String latency) {}
        List<Row> rows = new ArrayList<>();
        for (var e : cells.entrySet()) {
            Cell cell = e.getValue();
            synchronized (cell) {
                if (!cell.dirty) continue;
                StringBuilder hist = new StringBuilder();
                for (long n : cell.latency) hist.append(hist.isEmpty() ? "" : ",").append(n);
                rows.add(new Row(e.getKey(), cell.delivered, cell.failed, cell.dead, hist.toString()));
                cell.dirty = false;
            }
        }
        if (!rows.isEmpty()) {
            db.inBookkeepingTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO delivery_stats (minute, service_id, node, delivered,"
                        + " failed, dead, latency) VALUES (?,?,?,?,?,?,?) ON CONFLICT (minute, service_id, node) DO UPDATE SET"
                        + " delivered = excluded.delivered, failed = excluded.failed, dead = excluded.dead, latency = excluded.latency")) {
                    for (Row r : rows) {
                        ps.setLong(1, r.key().minute());
                        ps.setString(2, r.key().serviceId());
                        ps.setString(3, node);
                        ps.setLong(4, r.delivered());
                        ps.setLong(5, r.failed());
                        ps.setLong(6, r.dead());
                        ps.setString(7, r.latency());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        }
        // a minute that ended more than one flush ago gets no more attempts: its cell is done
        cells.entrySet().removeIf(e -> e.getKey().minute() + MINUTE + 2_000L * FLUSH_S < now && !e.getValue().dirty);
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("delivery_stats.flush_failed error={}", e.toString()); // kept in memory, written next time
        }
    }

    /** Attempts per bucket of {@code bucketMs} from {@code since} to now, oldest first, empty buckets included. */
    public List<Point> series(long since, long bucketMs, long now) {
        long first = since - since % bucketMs;
        int n = (int) ((now - first) / bucketMs) + 1;
        long[][] sums = new long[n][3];
        db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT minute, SUM(delivered), SUM(failed), SUM(dead)"
                    + " FROM delivery_stats WHERE minute >= ? GROUP BY minute")) {
                ps.setLong(1, first);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int i = (int) ((rs.getLong(1) - first) / bucketMs);
                        if (i < 0 || i >= n) continue;
                        sums[i][0] += rs.getLong(2);
                        sums[i][1] += rs.getLong(3);
                        sums[i][2] += rs.getLong(4);
                    }
                }
            }
            return null;
        });
        List<Point> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(new Point(first + i * bucketMs, sums[i][0], sums[i][1], sums[i][2]));
        return out;
    }

    /** Each service's figures since {@code since}, by service id. */
    public Map<String, ServiceFigures> byService(long since) {
        record Acc(long[] counts, long[] latency) {}
        Map<String, Acc> acc = new LinkedHashMap<>();
        db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT service_id, delivered, failed, dead, latency"
                    + " FROM delivery_stats WHERE minute >= ?")) {
                ps.setLong(1, since - since % MINUTE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Acc a = acc.computeIfAbsent(rs.getString(1), k -> new Acc(new long[3], new long[BOUNDS_MS.length + 1]));
                        a.counts()[0] += rs.getLong(2);
                        a.counts()[1] += rs.getLong(3);
                        a.counts()[2] += rs.getLong(4);
                        String[] parts = rs.getString(5).split(",");
                        for (int i = 0; i < Math.min(parts.length, a.latency().length); i++) a.latency()[i] += Long.parseLong(parts[i]);
                    }
                }
            }
            return null;
        });
        Map<String, ServiceFigures> out = new LinkedHashMap<>();
        acc.forEach((id, a) -> out.put(id, new ServiceFigures(id, a.counts()[0], a.counts()[1], a.counts()[2], p95(a.latency()))));
        return out;
    }

    /** The upper bound of the bucket holding the 95th percentile (null with no sample; the last bucket has none: its lower bound). */
    static Long p95(long[] latency) {
        long total = Arrays.stream(latency).sum();
        if (total == 0) return null;
        long rank = (long) Math.ceil(total * 0.95);
        long seen = 0;
        for (int i = 0; i < latency.length; i++) {
            seen += latency[i];
            if (seen >= rank) return i < BOUNDS_MS.length ? BOUNDS_MS[i] : BOUNDS_MS[BOUNDS_MS.length - 1];
        }
        return BOUNDS_MS[BOUNDS_MS.length - 1];
    }

    /** Forgets minutes before {@code before} (hourly, with retention). */
    public static int prune(Connection c, long before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM delivery_stats WHERE minute < ?")) {
            ps.setLong(1, before);
            return ps.executeUpdate();
        }
    }

    @Override
    public void close() {
        flusher.shutdown();
        try {
            flushQuietly();
        } catch (RuntimeException ignored) {
            // the database is going away too
        }
    }
}

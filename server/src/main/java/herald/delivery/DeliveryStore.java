package herald.delivery;

import herald.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Delivery rows: claiming due work with a lease, recording outcomes and attempts, listing. */
public final class DeliveryStore {
    private static final String COLUMNS =
            "id, event_id, subscription_id, service_id, status, attempts, next_attempt_at, last_error, created_at, updated_at";
    private final Database db;

    public DeliveryStore(Database db) {
        this.db = db;
    }

    /**
     * Atomically marks up to {@code limit} due deliveries of enabled services as delivering, with a
     * lease; a delivery whose lease ran out (its worker died) is due again. PostgreSQL skips rows
     * another node is claiming; SQLite's single writer makes the one statement atomic.
     */
    public List<Delivery> claim(long now, int limit, long leaseMs) {
        String lock = db.dialect() == Database.Dialect.POSTGRES ? " FOR UPDATE OF d SKIP LOCKED" : "";
        String sql = "UPDATE deliveries SET status = 'delivering', lease_until = ?, updated_at = ? WHERE id IN ("
                + "SELECT d.id FROM deliveries d JOIN services s ON s.id = d.service_id WHERE s.enabled AND ("
                + "(d.status IN ('pending', 'retrying') AND d.next_attempt_at <= ?)"
                + " OR (d.status = 'delivering' AND d.lease_until < ?))"
                + " ORDER BY d.next_attempt_at LIMIT ?" + lock + ") RETURNING " + COLUMNS;
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, now + leaseMs);
                ps.setLong(2, now);
                ps.setLong(3, now);
                ps.setLong(4, now);
                ps.setInt(5, limit);
                return rows(ps);
            }
        });
    }

    /** The bodies of the given events, by id. */
    public Map<String, String> eventBodies(List<String> eventIds) {
        if (eventIds.isEmpty()) return Map.of();
        String marks = String.join(",", java.util.Collections.nCopies(eventIds.size(), "?"));
        return db.read(c -> {
            Map<String, String> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, body FROM events WHERE id IN (" + marks + ")")) {
                for (int i = 0; i < eventIds.size(); i++) ps.setString(i + 1, eventIds.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }

    /** Records an attempt and the delivery's new state together; a no-op if the lease was lost meanwhile. */
    public void finish(Delivery d, String status, long nextAttemptAt, String lastError, Attempt attempt) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?,"
                            + " lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'delivering'")) {
                ps.setString(1, status);
                ps.setLong(2, nextAttemptAt);
                ps.setString(3, lastError);
                ps.setLong(4, System.currentTimeMillis());
                ps.setString(5, d.id());
                if (ps.executeUpdate() == 0) return null;
            }
            if (attempt != null) insertAttempt(c, attempt);
            return null;
        });
    }

    private static void insertAttempt(Connection c, Attempt a) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO attempts (id, delivery_id, started_at, duration_ms, status_code, error_kind, error,"
                        + " request_headers, response_headers, response_excerpt) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, a.id());
            ps.setString(2, a.deliveryId());
            ps.setLong(3, a.startedAt());
            ps.setLong(4, a.durationMs());
            if (a.statusCode() == null) ps.setNull(5, java.sql.Types.INTEGER); else ps.setInt(5, a.statusCode());
            ps.setString(6, a.errorKind());
            ps.setString(7, a.error());
            ps.setString(8, a.requestHeaders());
            ps.setString(9, a.responseHeaders());
            ps.setString(10, a.responseExcerpt());
            ps.executeUpdate();
        }
    }

    public Optional<Delivery> get(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM deliveries WHERE id = ?")) {
                ps.setString(1, id);
                return rows(ps).stream().findFirst();
            }
        });
    }

    public List<Delivery> forEvent(String eventId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM deliveries WHERE event_id = ? ORDER BY id")) {
                ps.setString(1, eventId);
                return rows(ps);
            }
        });
    }

    /** Newest first; every filter optional. */
    public List<Delivery> list(String status, String serviceId, String subscriptionId, String eventId, String beforeId,
                               int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM deliveries WHERE 1=1");
        List<String> args = new ArrayList<>();
        if (status != null) { sql.append(" AND status = ?"); args.add(status); }
        if (serviceId != null) { sql.append(" AND service_id = ?"); args.add(serviceId); }
        if (subscriptionId != null) { sql.append(" AND subscription_id = ?"); args.add(subscriptionId); }
        if (eventId != null) { sql.append(" AND event_id = ?"); args.add(eventId); }
        if (beforeId != null) { sql.append(" AND id < ?"); args.add(beforeId); }
        sql.append(" ORDER BY id DESC LIMIT ?");
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String a : args) ps.setString(i++, a);
                ps.setInt(i, limit);
                return rows(ps);
            }
        });
    }

    public List<Attempt> attempts(String deliveryId) {
        return db.read(c -> {
            List<Attempt> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, delivery_id, started_at, duration_ms, status_code, error_kind, error, request_headers,"
                            + " response_headers, response_excerpt FROM attempts WHERE delivery_id = ? ORDER BY id")) {
                ps.setString(1, deliveryId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int code = rs.getInt(5);
                        boolean noCode = rs.wasNull(); // read now: wasNull() speaks of the last column read
                        out.add(new Attempt(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                                noCode ? null : code, rs.getString(6), rs.getString(7), rs.getString(8),
                                rs.getString(9), rs.getString(10)));
                    }
                }
            }
            return out;
        });
    }

    /** Makes a finished or waiting delivery due now; it keeps its id, hence its {@code webhook-id}. */
    public boolean retryNow(String id) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ? WHERE id = ?"
                            + " AND status <> 'delivering'")) {
                long now = System.currentTimeMillis();
                ps.setLong(1, now);
                ps.setLong(2, now);
                ps.setString(3, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    public boolean delete(String id) {
        return db.inTransaction(c -> {
            try (PreparedStatement a = c.prepareStatement("DELETE FROM attempts WHERE delivery_id = ?");
                 PreparedStatement d = c.prepareStatement("DELETE FROM deliveries WHERE id = ?")) {
                a.setString(1, id);
                a.executeUpdate();
                d.setString(1, id);
                return d.executeUpdate() > 0;
            }
        });
    }

    /** Count of deliveries per status, for metrics and the dashboard. */
    public Map<String, Long> countByStatus() {
        return db.read(c -> {
            Map<String, Long> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) FROM deliveries GROUP BY status");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
            return out;
        });
    }

    private static List<Delivery> rows(PreparedStatement ps) throws SQLException {
        List<Delivery> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getInt(6), rs.getLong(7), rs.getString(8), rs.getLong(9), rs.getLong(10)));
            }
        }
        return out;
    }
}

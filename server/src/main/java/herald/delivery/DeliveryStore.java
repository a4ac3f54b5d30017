package herald.delivery;

import herald.store.Database;
import herald.store.PgColumns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Delivery rows: claiming due work with a lease, recording outcomes and attempts, listing. */
public final class DeliveryStore {
    private static final String COLUMNS =
            "id, event_id, subscription_id, service_id, status, attempts, next_attempt_at, last_error, created_at, updated_at";
    /** Due and unclaimed, written as the due and waiting indexes' condition so that they apply. */
    private static final String DUE = "d.status IN ('pending', 'retrying') AND d.next_attempt_at <= ?";
    /** A claimed delivery's new state after an attempt; a no-op once its lease was lost. */
    static final String FINISH = "UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?,"
            + " last_error = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'delivering'";
    private final Database db;

    public DeliveryStore(Database db) {
        this.db = db;
    }

    /**
     * Atomically marks up to {@code limit} due deliveries of enabled services as delivering, with a
     * lease; a delivery whose lease ran out (its worker died) is due again. PostgreSQL skips rows
     * another node is claiming; SQLite's single writer makes the one statement atomic. Only while no
     * service is left out (paused, breaker open, limited, slow): otherwise see {@link #claimPerService}.
     */
    public List<Delivery> claim(long now, int limit, long leaseMs) {
        return db.inBookkeepingTransaction(c -> claim(c, now, limit, leaseMs, null));
    }

    /** The same claim for one service, inside the caller's transaction (which holds its budget). */
    public List<Delivery> claimForService(Connection c, String serviceId, long now, int limit, long leaseMs)
            throws SQLException {
        return claim(c, now, limit, leaseMs, serviceId);
    }

    /**
     * The same claim for each service of {@code caps}, a fair share of {@code limit} each (the first
     * ones one larger where it does not divide) and never more than the service's cap. Used while some
     * services are left out: the general claim walks the due index in time order and would step
     * over every waiting delivery of the left-out services on each claim.
     */
    public List<Delivery> claimPerService(long now, int limit, long leaseMs, Map<String, Integer> caps) {
        if (caps.isEmpty() || limit <= 0) return List.of();
        return db.inBookkeepingTransaction(c -> claimPerService(c, now, limit, leaseMs, caps));
    }

    /** {@link #claimPerService(long, int, long, Map)} inside the caller's transaction. */
    List<Delivery> claimPerService(Connection c, long now, int limit, long leaseMs, Map<String, Integer> caps)
            throws SQLException {
        if (caps.isEmpty() || limit <= 0) return List.of();
        boolean pg = db.dialect() == Database.Dialect.POSTGRES;
        // Expired leases first (a node died), from the leased index: rare, and not held to the caps.
        List<Delivery> out = new ArrayList<>(claimWhere(c, "deliveries_leased",
                "d.status = 'delivering' AND d.lease_until < ?", now, limit, leaseMs, List.copyOf(caps.keySet())));
        // Shares of what is left, the first ones one larger where it does not divide; none over its cap.
        int left = limit - out.size();
        List<Map.Entry<String, Integer>> shares = new ArrayList<>();
        for (var e : caps.entrySet()) {
            int share = Math.min(e.getValue(), left / caps.size() + (shares.size() < left % caps.size() ? 1 : 0));
            if (share > 0) shares.add(Map.entry(e.getKey(), share));
        }
        if (shares.isEmpty()) return out;
        // One statement for every service (a statement per service cost more than the claims
        // themselves), each service's due rows oldest first from the waiting index.
        String oneService = "SELECT d.id FROM deliveries d" + (pg ? "" : " INDEXED BY deliveries_waiting")
                + " WHERE d.service_id = " + (pg ? "s.service_id" : "?") + " AND " + DUE
                + " ORDER BY d.next_attempt_at LIMIT " + (pg ? "s.cap FOR UPDATE OF d SKIP LOCKED" : "?");
        String claimed = pg
                ? "SELECT claimed.id FROM unnest(?::text[], ?::int[]) AS s(service_id, cap)"
                        + " JOIN services sv ON sv.id = s.service_id AND sv.enabled CROSS JOIN LATERAL (" + oneService + ") claimed"
                : String.join(" UNION ALL ", Collections.nCopies(shares.size(), "SELECT id FROM (" + oneService + ")"));
        String sql = "UPDATE deliveries SET status = 'delivering', lease_until = ?, updated_at = ? WHERE " + idIn(claimed, pg)
                + (pg ? "" : " AND service_id IN (SELECT id FROM services WHERE enabled)") + " RETURNING " + COLUMNS;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, now + leaseMs);
            ps.setLong(i++, now);
            if (pg) {
                ps.setArray(i++, PgColumns.text(c, shares, Map.Entry::getKey));
                ps.setArray(i++, PgColumns.integer(c, shares, Map.Entry::getValue));
                ps.setLong(i, now);
            } else {
                for (var e : shares) {
                    ps.setString(i++, e.getKey());
                    ps.setLong(i++, now);
                    ps.setInt(i++, e.getValue());
                }
            }
            out.addAll(rows(ps));
        }
        return out;
    }

    /** The claim inside the caller's transaction; {@code serviceId} null for every service. */
    List<Delivery> claim(Connection c, long now, int limit, long leaseMs, String serviceId) throws SQLException {
        if (limit <= 0) return List.of();
        // Two statements, each walking its own partial index in order: one query with an OR of the
        // two states would sort every waiting row for each claim. One service's due deliveries come
        // from the waiting index (service, due time).
        List<String> only = serviceId == null ? null : List.of(serviceId);
        List<Delivery> out = new ArrayList<>(claimWhere(c, "deliveries_leased",
                "d.status = 'delivering' AND d.lease_until < ?", now, limit, leaseMs, only));
        out.addAll(claimWhere(c, serviceId == null ? "deliveries_due" : "deliveries_waiting",
                DUE + " ORDER BY d.next_attempt_at", now, limit - out.size(), leaseMs, only));
        return out;
    }

    /** {@code serviceIds}: only theirs; null for every service. */
    private List<Delivery> claimWhere(Connection c, String index, String due, long now, int limit, long leaseMs,
                                      List<String> serviceIds) throws SQLException {
        if (limit <= 0) return List.of();
        boolean pg = db.dialect() == Database.Dialect.POSTGRES;
        String only = serviceIds == null ? ""
                : " AND d.service_id IN (" + String.join(",", Collections.nCopies(serviceIds.size(), "?")) + ")";
        int order = due.indexOf(" ORDER BY");
        String condition = order < 0 ? due : due.substring(0, order);
        String orderBy = order < 0 ? "" : due.substring(order);
        String claimed = "SELECT d.id FROM deliveries d" + (pg ? "" : " INDEXED BY " + index) // SQLite has no statistics to choose by
                + " JOIN services s ON s.id = d.service_id WHERE s.enabled AND " + condition + only + orderBy
                + " LIMIT ?" + (pg ? " FOR UPDATE OF d SKIP LOCKED" : "");
        String sql = "UPDATE deliveries SET status = 'delivering', lease_until = ?, updated_at = ? WHERE " + idIn(claimed, pg)
                + " RETURNING " + COLUMNS;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, now + leaseMs);
            ps.setLong(i++, now);
            ps.setLong(i++, now);
            if (serviceIds != null) for (String id : serviceIds) ps.setString(i++, id);
            ps.setInt(i, limit);
            return rows(ps);
        }
    }

    /**
     * The rows whose id {@code select} picked (a claim's, a replay's). PostgreSQL gets the ids as an array, which
     * it can only look up in the primary key: with {@code id IN (select)} it planned a hash join
     * over a scan of the whole table (23 µs per claimed row at 50,000 rows, growing with the
     * table; 9 µs as an array).
     */
    private static String idIn(String select, boolean pg) {
        return pg ? "id = ANY(ARRAY(" + select + "))" : "id IN (" + select + ")";
    }

    /** Deliveries of the service being sent now, on any node (leases still running). */
    public int inFlight(Connection c, String serviceId, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM deliveries WHERE service_id = ? AND status = 'delivering' AND lease_until >= ?")) {
            ps.setString(1, serviceId);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The bodies of the given events, by id. */
    public Map<String, String> eventBodies(List<String> eventIds) {
        if (eventIds.isEmpty()) return Map.of();
        String marks = String.join(",", Collections.nCopies(eventIds.size(), "?"));
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
        db.inBookkeepingTransaction(c -> finish(c, d, status, nextAttemptAt, lastError, attempt));
    }

    /** {@link #finish} inside the caller's transaction; false when the lease was lost. */
    public boolean finish(Connection c, Delivery d, String status, long nextAttemptAt, String lastError, Attempt attempt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FINISH)) {
            ps.setString(1, status);
            ps.setLong(2, nextAttemptAt);
            ps.setString(3, lastError);
            ps.setLong(4, System.currentTimeMillis());
            ps.setString(5, d.id());
            if (ps.executeUpdate() == 0) return false;
        }
        if (attempt != null) insertAttempt(c, attempt);
        return true;
    }

    /** Gives a claimed delivery back unsent (its service's breaker opened): no attempt is spent. */
    public void release(Delivery d) {
        db.inBookkeepingTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE deliveries SET status = CASE WHEN attempts > 0 THEN 'retrying' ELSE 'pending' END,"
                            + " lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'delivering'")) {
                ps.setLong(1, System.currentTimeMillis());
                ps.setString(2, d.id());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Makes every waiting delivery of a subscription dead with {@code reason}; they can be replayed later. */
    public int killWaiting(Connection c, String subscriptionId, String reason) throws SQLException {
        int killed = 0;
        // One statement per partial index (due, paused): deliveries have no index by subscription.
        for (String waiting : List.of("status IN ('pending', 'retrying')", "status = 'paused'")) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET status = 'dead', last_error = ?,"
                    + " updated_at = ? WHERE " + waiting + " AND subscription_id = ?")) {
                ps.setString(1, reason);
                ps.setLong(2, System.currentTimeMillis());
                ps.setString(3, subscriptionId);
                killed += ps.executeUpdate();
            }
        }
        return killed;
    }

    /** Holds a service's waiting deliveries as {@code paused}, or lets them go again. */
    public int setPaused(Connection c, String serviceId, boolean paused) throws SQLException {
        String sql = paused
                ? "UPDATE deliveries SET status = 'paused', updated_at = ? WHERE service_id = ? AND status IN ('pending', 'retrying')"
                : "UPDATE deliveries SET status = CASE WHEN attempts > 0 THEN 'retrying' ELSE 'pending' END, updated_at = ?"
                        + " WHERE service_id = ? AND status = 'paused'";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, System.currentTimeMillis());
            ps.setString(2, serviceId);
            return ps.executeUpdate();
        }
    }

    /**
     * Stores new deliveries: pending ones, and handed-off ones (status delivering) with the hand-off's
     * lease. PostgreSQL gets one statement over arrays (one execution per row cost the server 17 µs
     * each, 13 µs this way), SQLite a batch.
     */
    public static void insertNew(Connection c, boolean pg, List<Delivery> deliveries, Long handoffLease) throws SQLException {
        if (deliveries.isEmpty()) return;
        Function<Delivery, Long> lease = d -> d.status().equals("delivering") ? handoffLease : null;
        String columns = "INSERT INTO deliveries (id, event_id, subscription_id, service_id, status, attempts,"
                + " next_attempt_at, lease_until, created_at, updated_at) ";
        if (pg) {
            try (PreparedStatement ps = c.prepareStatement(columns + "SELECT u.id, u.event_id, u.subscription_id,"
                    + " u.service_id, u.status, 0, u.next_at, u.lease_until, u.created_at, u.updated_at FROM unnest(?::text[],"
                    + " ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])"
                    + " AS u(id, event_id, subscription_id, service_id, status, next_at, lease_until, created_at, updated_at)")) {
                ps.setArray(1, PgColumns.text(c, deliveries, Delivery::id));
                ps.setArray(2, PgColumns.text(c, deliveries, Delivery::eventId));
                ps.setArray(3, PgColumns.text(c, deliveries, Delivery::subscriptionId));
                ps.setArray(4, PgColumns.text(c, deliveries, Delivery::serviceId));
                ps.setArray(5, PgColumns.text(c, deliveries, Delivery::status));
                ps.setArray(6, PgColumns.bigint(c, deliveries, Delivery::nextAttemptAt));
                ps.setArray(7, PgColumns.bigint(c, deliveries, lease));
                ps.setArray(8, PgColumns.bigint(c, deliveries, Delivery::createdAt));
                ps.setArray(9, PgColumns.bigint(c, deliveries, Delivery::updatedAt));
                ps.executeUpdate();
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(columns + "VALUES (?,?,?,?,?,0,?,?,?,?)")) {
            for (Delivery d : deliveries) {
                ps.setString(1, d.id());
                ps.setString(2, d.eventId());
                ps.setString(3, d.subscriptionId());
                ps.setString(4, d.serviceId());
                ps.setString(5, d.status());
                ps.setLong(6, d.nextAttemptAt());
                Long until = lease.apply(d);
                if (until != null) ps.setLong(7, until); else ps.setNull(7, Types.BIGINT);
                ps.setLong(8, d.createdAt());
                ps.setLong(9, d.updatedAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertAttempt(Connection c, Attempt a) throws SQLException {
        insertAttempts(c, List.of(a));
    }

    /** PostgreSQL: every attempt in one statement over arrays. */
    static void insertAttemptsPostgres(Connection c, List<Attempt> attempts) throws SQLException {
        if (attempts.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO attempts (id, delivery_id, started_at, duration_ms, status_code, error_kind, error,"
                        + " request_headers, response_headers, response_excerpt, request_method, request_url, request_body)"
                        + " SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::int[], ?::text[],"
                        + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])")) {
            ps.setArray(1, PgColumns.text(c, attempts, Attempt::id));
            ps.setArray(2, PgColumns.text(c, attempts, Attempt::deliveryId));
            ps.setArray(3, PgColumns.bigint(c, attempts, Attempt::startedAt));
            ps.setArray(4, PgColumns.bigint(c, attempts, Attempt::durationMs));
            ps.setArray(5, PgColumns.integer(c, attempts, Attempt::statusCode));
            ps.setArray(6, PgColumns.text(c, attempts, Attempt::errorKind));
            ps.setArray(7, PgColumns.text(c, attempts, Attempt::error));
            ps.setArray(8, PgColumns.text(c, attempts, Attempt::requestHeaders));
            ps.setArray(9, PgColumns.text(c, attempts, Attempt::responseHeaders));
            ps.setArray(10, PgColumns.text(c, attempts, Attempt::responseExcerpt));
            ps.setArray(11, PgColumns.text(c, attempts, Attempt::requestMethod));
            ps.setArray(12, PgColumns.text(c, attempts, Attempt::requestUrl));
            ps.setArray(13, PgColumns.text(c, attempts, Attempt::requestBody));
            ps.executeUpdate();
        }
    }

    static void insertAttempts(Connection c, List<Attempt> attempts) throws SQLException {
        if (attempts.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO attempts (id, delivery_id, started_at, duration_ms, status_code, error_kind, error,"
                        + " request_headers, response_headers, response_excerpt, request_method, request_url, request_body)"
                        + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            for (Attempt a : attempts) {
                ps.setString(1, a.id());
                ps.setString(2, a.deliveryId());
                ps.setLong(3, a.startedAt());
                ps.setLong(4, a.durationMs());
                if (a.statusCode() == null) ps.setNull(5, Types.INTEGER); else ps.setInt(5, a.statusCode());
                ps.setString(6, a.errorKind());
                ps.setString(7, a.error());
                ps.setString(8, a.requestHeaders());
                ps.setString(9, a.responseHeaders());
                ps.setString(10, a.responseExcerpt());
                ps.setString(11, a.requestMethod());
                ps.setString(12, a.requestUrl());
                ps.setString(13, a.requestBody());
                ps.addBatch();
            }
            ps.executeBatch();
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
    public List<Delivery> list(DeliveryFilter filter, String beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + prefixed("d.") + " FROM deliveries d");
        if (filter.needsEvents()) sql.append(" JOIN events e ON e.id = d.event_id");
        sql.append(" WHERE 1=1");
        List<Object> args = new ArrayList<>();
        filter.appendTo(sql, args);
        if (beforeId != null) { sql.append(" AND d.id < ?"); args.add(beforeId); }
        sql.append(" ORDER BY d.id DESC LIMIT ?");
        args.add(limit);
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                bind(ps, args);
                return rows(ps);
            }
        });
    }

    /**
     * Makes up to {@code max} matching deliveries due now, oldest first, with a fresh retry schedule;
     * each keeps its id, hence its {@code webhook-id}. Deliveries being sent or paused are left alone.
     */
    public int replay(DeliveryFilter filter, int max) {
        StringBuilder select = new StringBuilder("SELECT d.id FROM deliveries d");
        if (filter.needsEvents()) select.append(" JOIN events e ON e.id = d.event_id");
        select.append(" WHERE d.status NOT IN ('delivering', 'paused')");
        List<Object> args = new ArrayList<>();
        long now = System.currentTimeMillis();
        args.add(now);
        args.add(now);
        filter.appendTo(select, args);
        select.append(" ORDER BY d.id LIMIT ?");
        args.add(max);
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET status = 'pending', attempts = 0,"
                    + " next_attempt_at = ?, last_error = NULL, lease_until = NULL, updated_at = ? WHERE "
                    + idIn(select.toString(), db.dialect() == Database.Dialect.POSTGRES))) {
                bind(ps, args);
                return ps.executeUpdate();
            }
        });
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        int i = 1;
        for (Object a : args) {
            if (a instanceof String str) ps.setString(i++, str);
            else if (a instanceof Integer n) ps.setInt(i++, n);
            else ps.setLong(i++, (Long) a);
        }
    }

    private static String prefixed(String alias) {
        return alias + COLUMNS.replace(", ", ", " + alias);
    }

    public List<Attempt> attempts(String deliveryId) {
        return db.read(c -> {
            List<Attempt> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, delivery_id, started_at, duration_ms, status_code, error_kind, error, request_headers,"
                            + " response_headers, response_excerpt, request_method, request_url, request_body"
                            + " FROM attempts WHERE delivery_id = ? ORDER BY id")) {
                ps.setString(1, deliveryId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int code = rs.getInt(5);
                        Integer status = rs.wasNull() ? null : code; // before any other column is read
                        out.add(new Attempt(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), status, rs.getString(6), rs.getString(7), rs.getString(8),
                                rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12),
                                rs.getString(13)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Makes a finished or waiting delivery due now with a fresh retry schedule; it keeps its id,
     * hence its {@code webhook-id}. False when it is being sent right now.
     */
    public boolean retryNow(String id) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL,"
                            + " updated_at = ? WHERE id = ? AND status NOT IN ('delivering', 'paused')")) {
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

    /** How many deliveries are due and not claimed, and since when the oldest is due. */
    public record Due(long count, long oldestDueAt) {}

    public Due due(long now) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), MIN(next_attempt_at) FROM deliveries"
                    + " WHERE status IN ('pending', 'retrying') AND next_attempt_at <= ?")) {
                ps.setLong(1, now);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Due(rs.getLong(1), rs.getLong(2));
                }
            }
        });
    }

    /**
     * Count of deliveries per status, for metrics and the dashboard. Each status but delivered is
     * counted from its partial index; delivered is what is left of the total.
     */
    public Map<String, Long> countByStatus() {
        return db.read(c -> {
            Map<String, Long> out = new LinkedHashMap<>();
            long total = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT 'total', COUNT(*) FROM deliveries"
                    + " UNION ALL SELECT status, COUNT(*) FROM deliveries WHERE status IN ('pending', 'retrying') GROUP BY status"
                    + " UNION ALL SELECT 'delivering', COUNT(*) FROM deliveries WHERE status = 'delivering'"
                    + " UNION ALL SELECT 'dead', COUNT(*) FROM deliveries WHERE status = 'dead'"
                    + " UNION ALL SELECT 'paused', COUNT(*) FROM deliveries WHERE status = 'paused'");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1).equals("total")) total = rs.getLong(2);
                    else if (rs.getLong(2) > 0) out.put(rs.getString(1), rs.getLong(2));
                }
            }
            long delivered = total - out.values().stream().mapToLong(Long::longValue).sum();
            if (delivered > 0) out.put("delivered", delivered);
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

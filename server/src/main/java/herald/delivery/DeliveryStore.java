package herald.delivery;

import herald.store.Database;
import herald.store.Dialect;
import herald.store.Rows;
import herald.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntConsumer;

/** Delivery rows: recording outcomes and attempts, holding and releasing, listing and replaying (claims: {@link DeliveryClaims}). */
public final class DeliveryStore {
    static final String COLUMNS =
            "id, event_id, subscription_id, service_id, status, attempts, next_attempt_at, last_error, created_at, updated_at";
    private final Queue<Delivery> leftOver = new ConcurrentLinkedQueue<>();
    private final Database db;

    public DeliveryStore(Database db) {
        this.db = db;
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

    /**
     * Stored bodies by id ({@code events.body}, {@code gateway_requests.request}), read in id order
     * while what was read before is under {@code free} characters (bytes, in the database's count):
     * the rest are named unread, not read, so that a driver that holds whole results (PostgreSQL's)
     * does not hold them either. Ids with no row are in neither.
     */
    Bodies bodiesWithin(String table, String column, List<String> ids, long free) {
        if (ids.isEmpty()) return new Bodies(Map.of(), Set.of());
        String sql = "SELECT id, CASE WHEN COALESCE(SUM(octet_length(" + column + ")) OVER (ORDER BY id"
                + " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) < ? THEN " + column + " END"
                + " FROM " + table + " WHERE id IN (" + Sql.marks(ids.size()) + ")";
        return db.read(c -> {
            Map<String, String> read = new HashMap<>();
            Set<String> unread = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, free);
                for (int i = 0; i < ids.size(); i++) ps.setString(i + 2, ids.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String body = rs.getString(2);
                        if (body == null) unread.add(rs.getString(1)); // the column is NOT NULL: over the budget
                        else read.put(rs.getString(1), body);
                    }
                }
            }
            return new Bodies(read, unread);
        });
    }

    /** What {@link #bodiesWithin} read, and which ids it left for the budget. */
    record Bodies(Map<String, String> read, Set<String> unread) {}

    /** Records an attempt and the delivery's new state together; a no-op if the lease was lost meanwhile. */
    public void finish(Delivery d, String status, long nextAttemptAt, String lastError, Attempt attempt) {
        db.inBookkeepingTransaction(c -> finish(c, d, status, nextAttemptAt, lastError, attempt));
    }

    /** {@link #finish} inside the caller's transaction; false when the lease was lost. */
    public boolean finish(Connection c, Delivery d, String status, long nextAttemptAt, String lastError, Attempt attempt)
            throws SQLException {
        // No slot: the next delivery of an ordered key is left to claims (the ordering statements find the key themselves).
        var finish = new FinishWriter.Finish(d, status, nextAttemptAt, lastError, attempt, System.currentTimeMillis(), null);
        if (!db.dialect().write(c, FinishWriter.FINISH, List.of(finish)).changed()[0]) return false;
        if (attempt != null) insertAttempts(c, List.of(attempt));
        if (status.equals("retrying")) OrderingKeys.holdBehindRetry(c, d.id(), nextAttemptAt);
        else {
            OrderingKeys.lockLines(c, db.dialect(), List.of(d.id()));
            OrderingKeys.releaseNext(c, db.dialect(), List.of(d.id()));
        }
        return true;
    }

    /** Gives a claimed delivery back unsent (its service's breaker opened): no attempt is spent. */
    public void release(Delivery d) {
        release(List.of(d));
    }

    private void release(List<Delivery> ds) {
        db.inBookkeepingTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE deliveries SET status = CASE WHEN attempts > 0 THEN 'retrying' ELSE 'pending' END,"
                            + " lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'delivering'")) {
                for (Delivery d : ds) {
                    ps.setLong(1, System.currentTimeMillis());
                    ps.setString(2, d.id());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /**
     * A delivery leased to this node that it will not send (its send stopped on a database failure,
     * the commit that handed it off failed, perhaps after storing it, or its service had all the
     * slow sends it may have): rather than wait out the lease, it is released by
     * {@link #releaseLeftOver} once the database writes again, and claimed afresh (with the same
     * {@code webhook-id} if it was sent). Releasing one never stored does nothing.
     */
    void releaseLater(Delivery d) {
        leftOver.add(d);
    }

    /** Releases what {@link #releaseLater} kept; they stay kept while the database still fails. */
    void releaseLeftOver() {
        if (leftOver.isEmpty()) return;
        List<Delivery> batch = new ArrayList<>();
        for (Delivery d; (d = leftOver.poll()) != null; ) batch.add(d);
        try {
            release(batch);
        } catch (RuntimeException e) {
            leftOver.addAll(batch);
            throw e;
        }
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

    /** New deliveries as stored: pending ones, and handed-off ones (status delivering) with the hand-off's lease. */
    private static final Rows<NewDelivery> NEW = Rows.insert("deliveries", null, "", List.of(
            new Rows.Column<>("id", Rows.Type.TEXT, n -> n.d().id()),
            new Rows.Column<>("event_id", Rows.Type.TEXT, n -> n.d().eventId()),
            new Rows.Column<>("subscription_id", Rows.Type.TEXT, n -> n.d().subscriptionId()),
            new Rows.Column<>("service_id", Rows.Type.TEXT, n -> n.d().serviceId()),
            new Rows.Column<>("status", Rows.Type.TEXT, n -> n.d().status()),
            new Rows.Column<>("attempts", Rows.Type.INT, n -> 0),
            new Rows.Column<>("next_attempt_at", Rows.Type.BIGINT, n -> n.d().nextAttemptAt()),
            new Rows.Column<>("lease_until", Rows.Type.BIGINT, NewDelivery::leaseUntil),
            new Rows.Column<>("created_at", Rows.Type.BIGINT, n -> n.d().createdAt()),
            new Rows.Column<>("updated_at", Rows.Type.BIGINT, n -> n.d().updatedAt()),
            new Rows.Column<>("ordering_key", Rows.Type.TEXT, n -> n.line() == null ? null : n.line().key()),
            new Rows.Column<>("prev_id", Rows.Type.TEXT, n -> n.line() == null ? null : n.line().prevId())));

    private record NewDelivery(Delivery d, Long leaseUntil, Line line) {}

    /** An ordered delivery's key, and the delivery just before it in that key's line (null: none). */
    record Line(String key, String prevId) {}

    Dialect dialect() {
        return db.dialect();
    }

    /** Stores new deliveries; those already {@code delivering} (handed off) hold {@code handoffLease}. */
    void insertNew(Connection c, List<Delivery> deliveries, Long handoffLease) throws SQLException {
        insertNew(c, deliveries, handoffLease, Map.of());
    }

    /** The same, with the place in its key's line of each delivery whose subscription orders by one (by delivery id). */
    void insertNew(Connection c, List<Delivery> deliveries, Long handoffLease, Map<String, Line> lines) throws SQLException {
        if (deliveries.isEmpty()) return;
        List<NewDelivery> rows = new ArrayList<>(deliveries.size());
        for (Delivery d : deliveries) {
            rows.add(new NewDelivery(d, d.status().equals("delivering") ? handoffLease : null, lines.get(d.id())));
        }
        db.dialect().write(c, NEW, rows);
    }

    private static final Rows<Attempt> ATTEMPTS = Rows.insert("attempts", null, "", List.of(
            new Rows.Column<>("id", Rows.Type.TEXT, Attempt::id),
            new Rows.Column<>("delivery_id", Rows.Type.TEXT, Attempt::deliveryId),
            new Rows.Column<>("started_at", Rows.Type.BIGINT, Attempt::startedAt),
            new Rows.Column<>("duration_ms", Rows.Type.BIGINT, Attempt::durationMs),
            new Rows.Column<>("status_code", Rows.Type.INT, Attempt::statusCode),
            new Rows.Column<>("error_kind", Rows.Type.TEXT, Attempt::errorKind),
            new Rows.Column<>("error", Rows.Type.TEXT, Attempt::error),
            new Rows.Column<>("request_headers", Rows.Type.TEXT, Attempt::requestHeaders),
            new Rows.Column<>("response_headers", Rows.Type.TEXT, Attempt::responseHeaders),
            new Rows.Column<>("response_excerpt", Rows.Type.TEXT, Attempt::responseExcerpt),
            new Rows.Column<>("request_method", Rows.Type.TEXT, Attempt::requestMethod),
            new Rows.Column<>("request_url", Rows.Type.TEXT, Attempt::requestUrl),
            new Rows.Column<>("request_body", Rows.Type.TEXT, Attempt::requestBody)));

    void insertAttempts(Connection c, List<Attempt> attempts) throws SQLException {
        db.dialect().write(c, ATTEMPTS, attempts);
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
                Sql.bind(c, ps, 1, args);
                return rows(ps);
            }
        });
    }

    /** How many deliveries a replay changes in one transaction. */
    private static final int REPLAY_CHUNK = 500;

    /**
     * Makes up to {@code max} matching deliveries due now, oldest first, with a fresh retry schedule;
     * each keeps its id, hence its {@code webhook-id}. Deliveries being sent or paused are left alone.
     * An ordered one that had ended goes to the end of its key's line; one still waiting keeps its place.
     * The matching deliveries are picked first, then replayed {@value #REPLAY_CHUNK} per transaction,
     * in id order: one transaction over up to 100,000 held the keys' tails it had moved until it
     * committed, and every outcome ending one of those keys' last deliveries (with every send of its
     * node behind it) waited that long. A replay that fails part way has replayed the chunks before:
     * {@code replayed} hears of each chunk once it is committed.
     */
    public void replay(DeliveryFilter filter, int max, IntConsumer replayed) {
        List<Object> args = new ArrayList<>();
        long now = System.currentTimeMillis();
        String select = replayable(filter, max, args);
        List<String> picked = db.read(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(select)) {
                Sql.bind(c, ps, 1, args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) ids.add(rs.getString(1));
                }
            }
            return ids;
        });
        for (int from = 0; from < picked.size(); from += REPLAY_CHUNK) {
            List<String> chunk = picked.subList(from, Math.min(picked.size(), from + REPLAY_CHUNK));
            // Rows, then keys' tails (requeue): a concurrent outcome takes them the other way round.
            replayed.accept(db.inTransactionRetryingDeadlocks(c -> replayChunk(c, chunk, now)));
        }
    }

    private int replayChunk(Connection c, List<String> chunk, long now) throws SQLException {
        // Locked first (PostgreSQL): one that ended between a read and the update could not be
        // told from one that had ended before, and would be replayed in its old place.
        List<String> locked = new ArrayList<>(); // neither being sent nor paused
        List<OrderingKeys.Member> ended = new ArrayList<>(); // ordered ones that had ended
        try (PreparedStatement ps = c.prepareStatement("SELECT id, status, subscription_id, ordering_key FROM deliveries WHERE id IN ("
                + Sql.marks(chunk.size()) + ") AND status NOT IN ('delivering', 'paused') ORDER BY id" + db.dialect().forUpdate())) {
            Sql.bind(c, ps, 1, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    locked.add(rs.getString(1));
                    boolean done = rs.getString(2).equals("delivered") || rs.getString(2).equals("dead");
                    if (done && rs.getString(4) != null) ended.add(new OrderingKeys.Member(rs.getString(3), rs.getString(4), rs.getString(1)));
                }
            }
        }
        if (locked.isEmpty()) return 0;
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET status = 'pending', attempts = 0,"
                + " next_attempt_at = ?, last_error = NULL, lease_until = NULL, updated_at = ? WHERE id IN ("
                + Sql.marks(locked.size()) + ")")) {
            ps.setLong(1, now);
            ps.setLong(2, now);
            Sql.bind(c, ps, 3, locked);
            ps.executeUpdate();
        }
        // Each to the end of its key's line: a key's in event order, the keys in the order ingests lock them.
        ended.sort(Comparator.comparing(OrderingKeys.Member::subscriptionId).thenComparing(OrderingKeys.Member::key)
                .thenComparing(OrderingKeys.Member::deliveryId));
        for (OrderingKeys.Member e : ended) OrderingKeys.requeue(c, db.dialect(), e);
        return locked.size();
    }

    /** How many deliveries {@link #replay} would make due now (at most {@code max}): asked before a replay is confirmed. */
    public int countReplayable(DeliveryFilter filter, int max) {
        List<Object> args = new ArrayList<>();
        String select = replayable(filter, max, args);
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM (" + select + ") picked")) {
                Sql.bind(c, ps, 1, args);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private static String replayable(DeliveryFilter filter, int max, List<Object> args) {
        StringBuilder select = new StringBuilder("SELECT d.id FROM deliveries d");
        if (filter.needsEvents()) select.append(" JOIN events e ON e.id = d.event_id");
        select.append(" WHERE d.status NOT IN ('delivering', 'paused')");
        filter.appendTo(select, args);
        select.append(" ORDER BY d.id LIMIT ?");
        args.add(max);
        return select.toString();
    }

    static String prefixed(String alias) {
        return alias + COLUMNS.replace(", ", ", " + alias);
    }

    /** An ordered delivery's key and the delivery of that key ahead of it that it waits for; null when not ordered. */
    public Ordering ordering(String deliveryId) {
        return db.read(c -> OrderingKeys.ahead(c, deliveryId));
    }

    /** A delivery's ordering key and the delivery of that key it waits for (null: none). */
    public record Ordering(String key, String waitingFor) {}

    /**
     * A delivery's attempts shown at most: each keeps up to 64 KiB of what was sent, and a delivery
     * replayed again and again (its count starts afresh each time) had no bound on how many it had.
     */
    public static final int SHOWN_ATTEMPTS = 100;

    /** A delivery's newest {@link #SHOWN_ATTEMPTS} attempts, oldest first. */
    public List<Attempt> attempts(String deliveryId) {
        return db.read(c -> {
            List<Attempt> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, delivery_id, started_at, duration_ms, status_code, error_kind, error, request_headers,"
                            + " response_headers, response_excerpt, request_method, request_url, request_body"
                            + " FROM attempts WHERE delivery_id = ? ORDER BY id DESC LIMIT " + SHOWN_ATTEMPTS)) {
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
            java.util.Collections.reverse(out);
            return out;
        });
    }

    /**
     * Makes a finished or waiting delivery due now with a fresh retry schedule; it keeps its id,
     * hence its {@code webhook-id}. False when it is being sent right now.
     */
    public boolean retryNow(String id) {
        // Rows, then the key's tail, as a replay.
        return db.inTransactionRetryingDeadlocks(c -> replayChunk(c, List.of(id), System.currentTimeMillis()) > 0);
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

    static List<Delivery> rows(PreparedStatement ps) throws SQLException {
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

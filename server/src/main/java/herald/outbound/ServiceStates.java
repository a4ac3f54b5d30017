package herald.outbound;

import herald.store.Database;
import herald.subscription.Service;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-service outbound state in the database, so every node sees the same: paused or not, the
 * circuit breaker, and the rate-limit budget. Each change is one conditional UPDATE, so two nodes
 * racing for the same transition (say, who sends the half-open probe) cannot both win.
 */
public final class ServiceStates {
    public static final String CLOSED = "closed";
    public static final String OPEN = "open";
    public static final String HALF_OPEN = "half_open";

    /** A service's state; a service without a row is running with its breaker closed. */
    public record State(String serviceId, boolean paused, String breaker, int failures, long windowStart,
                        long openUntil, int timesOpened) {
        public static State fresh(String serviceId) {
            return new State(serviceId, false, CLOSED, 0, 0, 0, 0);
        }

        /**
         * As shown at {@code now}: the failures of a window that has ended count no more (the stored
         * count is reset only by the next failure).
         */
        public State shownAt(long now, Service.Breaker breaker) {
            if (failures == 0 || breaker == null || windowStart > now - breaker.windowS() * 1000L) return this;
            return new State(serviceId, paused, this.breaker, 0, windowStart, openUntil, timesOpened);
        }

        /** While open or probing, only the probe may call the service. */
        public boolean blocksCalls() {
            return !breaker.equals(CLOSED);
        }
    }

    private final Database db;

    public ServiceStates(Database db) {
        this.db = db;
    }

    public Map<String, State> all() {
        return db.read(ServiceStates::all);
    }

    /** The same, inside the caller's transaction. */
    public static Map<String, State> all(Connection c) throws SQLException {
        Map<String, State> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT service_id, paused, breaker_state, failures,"
                + " window_start, open_until, times_opened FROM service_state");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new State(rs.getString(1), rs.getBoolean(2), rs.getString(3), rs.getInt(4),
                        rs.getLong(5), rs.getLong(6), rs.getInt(7)));
            }
        }
        return out;
    }

    public State get(String serviceId) {
        return all().getOrDefault(serviceId, State.fresh(serviceId));
    }

    /** Pauses or resumes a service, inside the caller's transaction (which holds its waiting work too). */
    public void setPaused(Connection c, String serviceId, boolean paused) throws SQLException {
        ensureRow(c, serviceId);
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE service_state SET paused = ?, updated_at = ? WHERE service_id = ?")) {
            ps.setBoolean(1, paused);
            ps.setLong(2, System.currentTimeMillis());
            ps.setString(3, serviceId);
            ps.executeUpdate();
        }
    }

    /**
     * Counts a failed call against a closed breaker; true when it made the breaker open. Failures
     * are counted per distinct {@code callId} (a delivery) within the window: one delivery's own
     * retries count once, so a single failing delivery cannot open the breaker and hold itself up
     * (Teachbase's receivers expect all six of its attempts); {@code threshold} failing deliveries do.
     */
    public boolean recordFailure(String serviceId, Service.Breaker cfg, long now, String callId) {
        return db.inBookkeepingTransaction(c -> {
            ensureRow(c, serviceId);
            int failures;
            long windowStart;
            String ids;
            try (PreparedStatement ps = c.prepareStatement("SELECT failures, window_start, failed_ids FROM service_state"
                    + " WHERE service_id = ? AND breaker_state = 'closed'" + db.dialect().forUpdate())) {
                ps.setString(1, serviceId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return false;
                    failures = rs.getInt(1);
                    windowStart = rs.getLong(2);
                    ids = rs.getString(3);
                }
            }
            List<String> counted = new ArrayList<>();
            if (windowStart > now - cfg.windowS() * 1000L) { // the window is still running
                for (String id : ids.split(" ")) if (!id.isEmpty()) counted.add(id);
                if (counted.contains(callId)) return false;
            } else {
                failures = 0;
                windowStart = now;
            }
            failures++;
            counted.add(callId);
            while (counted.size() > cfg.threshold()) counted.remove(0);
            try (PreparedStatement ps = c.prepareStatement("UPDATE service_state SET failures = ?, window_start = ?,"
                    + " failed_ids = ?, updated_at = ? WHERE service_id = ?")) {
                ps.setInt(1, failures);
                ps.setLong(2, windowStart);
                ps.setString(3, String.join(" ", counted));
                ps.setLong(4, now);
                ps.setString(5, serviceId);
                ps.executeUpdate();
            }
            if (failures < cfg.threshold()) return false;
            return open(c, serviceId, CLOSED, cfg, now);
        });
    }

    /** Closes the breaker now, whatever its state, with a fresh window (an operator's decision). */
    public void resetBreaker(Connection c, String serviceId, long now) throws SQLException {
        ensureRow(c, serviceId);
        try (PreparedStatement ps = c.prepareStatement("UPDATE service_state SET breaker_state = 'closed', failures = 0,"
                + " window_start = 0, failed_ids = '', open_until = 0, updated_at = ? WHERE service_id = ?")) {
            ps.setLong(1, now);
            ps.setString(2, serviceId);
            ps.executeUpdate();
        }
    }

    /** The probe failed: open again for another cooldown. */
    public void probeFailed(String serviceId, Service.Breaker cfg, long now) {
        db.inBookkeepingTransaction(c -> open(c, serviceId, HALF_OPEN, cfg, now));
    }

    /** The probe got an answer: close, with a fresh window. True when this call closed it. */
    public boolean probeSucceeded(String serviceId, long now) {
        return db.inBookkeepingTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE service_state SET breaker_state = 'closed', failures = 0,"
                    + " window_start = 0, failed_ids = '', updated_at = ? WHERE service_id = ? AND breaker_state = 'half_open'")) {
                ps.setLong(1, now);
                ps.setString(2, serviceId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private static boolean open(Connection c, String serviceId, String from, Service.Breaker cfg, long now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE service_state SET breaker_state = 'open', open_until = ?,"
                + " failures = 0, window_start = 0, failed_ids = '', times_opened = times_opened + 1, updated_at = ?"
                + " WHERE service_id = ? AND breaker_state = ?")) {
            ps.setLong(1, now + cfg.cooldownS() * 1000L);
            ps.setLong(2, now);
            ps.setString(3, serviceId);
            ps.setString(4, from);
            return ps.executeUpdate() > 0;
        }
    }

    /**
     * Services whose cooldown is over (or whose probe's lease ran out): this node now holds their
     * one probe, until {@code now + leaseMs}. Another node asking at the same time gets none of them.
     */
    public List<String> takeProbes(long now, long leaseMs) {
        return db.inBookkeepingTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE service_state SET breaker_state = 'half_open',"
                    + " open_until = ?, updated_at = ? WHERE (breaker_state = 'open' OR breaker_state = 'half_open')"
                    + " AND open_until <= ? RETURNING service_id")) {
                ps.setLong(1, now + leaseMs); // in half-open, open_until is the probe's lease
                ps.setLong(2, now);
                ps.setLong(3, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** Nothing was due to probe with: let the next poll (on any node) try again. */
    public void releaseProbe(String serviceId) {
        db.inBookkeepingTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE service_state SET open_until = 0 WHERE service_id = ? AND breaker_state = 'half_open'")) {
                ps.setString(1, serviceId);
                return ps.executeUpdate();
            }
        });
    }

    /** Work a limited service may take within its budget: what is in flight now, and taking up to a budget. */
    public interface Budgeted<T> {
        /** How many calls to the service are running now, on any node. */
        int inFlight(Connection c) throws SQLException;

        /** Takes at most {@code budget} calls' worth of work, in the transaction that holds the budget. */
        List<T> take(Connection c, int budget) throws SQLException;
    }

    /**
     * Takes what a limited service may send now, on every node together: no more than
     * {@code maxConcurrency} in flight, no faster than {@code ratePerS} (a token bucket holding one
     * second's worth). The state row is locked meanwhile, so nodes take turns.
     */
    public <T> List<T> takeWithinBudget(Service svc, int want, long now, Budgeted<T> work) {
        return db.inBookkeepingTransaction(c -> {
            ensureRow(c, svc.id());
            double tokens;
            long refilledAt;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT tokens, refilled_at FROM service_state WHERE service_id = ?" + db.dialect().forUpdate())) {
                ps.setString(1, svc.id());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    tokens = rs.getDouble(1);
                    refilledAt = rs.getLong(2);
                }
            }
            int budget = want;
            if (svc.maxConcurrency() != null) {
                budget = Math.min(budget, svc.maxConcurrency() - work.inFlight(c));
            }
            Double rate = svc.rateLimitPerS();
            if (rate != null) {
                double burst = Math.max(1, rate);
                tokens = Math.min(burst, tokens + (now - refilledAt) / 1000.0 * rate);
                budget = Math.min(budget, (int) Math.floor(tokens));
            }
            List<T> claimed = work.take(c, budget);
            if (rate != null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE service_state SET tokens = ?, refilled_at = ? WHERE service_id = ?")) {
                    ps.setDouble(1, tokens - claimed.size());
                    ps.setLong(2, now);
                    ps.setString(3, svc.id());
                    ps.executeUpdate();
                }
            }
            return claimed;
        });
    }

    private static void ensureRow(Connection c, String serviceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO service_state (service_id) VALUES (?) ON CONFLICT (service_id) DO NOTHING")) {
            ps.setString(1, serviceId);
            ps.executeUpdate();
        }
    }
}

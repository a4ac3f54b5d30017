package herald.delivery;

import herald.outbound.ServiceStates;
import herald.routing.Router;
import herald.store.Database;
import herald.store.Dialect;
import herald.store.Sql;
import herald.subscription.Service;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Claiming due deliveries: marking them {@code delivering} with a lease, atomically, so that one
 * node sends each. A delivery whose lease ran out (its node died) is due again. PostgreSQL skips
 * rows another node is claiming; SQLite's single writer makes each statement atomic.
 */
final class DeliveryClaims {
    /**
     * Due and unclaimed, written as the due and waiting indexes' condition so that they apply; and,
     * for a delivery ordered by a key, the one before it in its key's line no longer waiting or being
     * sent (a failing head holds the rest of its key until it is delivered or dead; see
     * {@link OrderingKeys}). Claims are atomic (one writer; SKIP LOCKED skips a head another node is
     * claiming, and the head's committed state still holds its key), so two nodes never send two of
     * a key at once.
     */
    static final String DUE = "d.status IN ('pending', 'retrying') AND d.next_attempt_at <= ?"
            + " AND (d.prev_id IS NULL OR NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.id = d.prev_id"
            + " AND p.status IN " + OrderingKeys.HOLDING + "))";
    private static final String EXPIRED = "d.status = 'delivering' AND d.lease_until < ?";
    private final Database db;

    DeliveryClaims(Database db) {
        this.db = db;
    }

    /**
     * Up to {@code limit} due deliveries of enabled services. Only while no service is left out
     * (paused, breaker open, limited, slow): otherwise see {@link #perService}.
     */
    List<Delivery> claim(long now, int limit, long leaseMs) {
        return db.inBookkeepingTransaction(c -> claim(c, now, limit, leaseMs, null));
    }

    /** The same claim for one service, inside the caller's transaction (which holds its budget). */
    List<Delivery> claimForService(Connection c, String serviceId, long now, int limit, long leaseMs) throws SQLException {
        return claim(c, now, limit, leaseMs, serviceId);
    }

    /** A lease outlasts the longest timeout (and at least {@code leaseMs}), so a slow send is never claimed twice. */
    static long lease(Router.Table table, long leaseMs) {
        long longest = 0;
        for (Service s : table.services().values()) longest = Math.max(longest, s.timeoutMs());
        return Math.max(leaseMs, longest + 5_000);
    }

    /** A limited service's claims within its budget (see {@link ServiceStates#takeWithinBudget}). */
    ServiceStates.Budgeted<Delivery> ofService(DeliveryStore store, String serviceId, long now, long leaseMs) {
        return new ServiceStates.Budgeted<>() {
            @Override
            public int inFlight(Connection c) throws SQLException {
                return store.inFlight(c, serviceId, now);
            }

            @Override
            public List<Delivery> take(Connection c, int budget) throws SQLException {
                return claimForService(c, serviceId, now, budget, leaseMs);
            }
        };
    }

    /**
     * The same claim for each service of {@code caps}, a fair share of {@code limit} each (the first
     * ones one larger where it does not divide) and never more than the service's cap. Used while some
     * services are left out: the general claim walks the due index in time order and would step
     * over every waiting delivery of the left-out services on each claim.
     */
    List<Delivery> perService(long now, int limit, long leaseMs, Map<String, Integer> caps) {
        if (caps.isEmpty() || limit <= 0) return List.of();
        return db.inBookkeepingTransaction(c -> perService(c, now, limit, leaseMs, caps));
    }

    List<Delivery> perService(Connection c, long now, int limit, long leaseMs, Map<String, Integer> caps) throws SQLException {
        if (caps.isEmpty() || limit <= 0) return List.of();
        Dialect dialect = db.dialect();
        // Expired leases first (a node died), from the leased index: rare, and not held to the caps.
        List<Delivery> out = new ArrayList<>(claimWhere(c, "deliveries_leased", EXPIRED, now, limit, leaseMs,
                List.copyOf(caps.keySet())));
        // Shares of what is left, the first ones one larger where it does not divide; none over its cap.
        int left = limit - out.size();
        List<String> services = new ArrayList<>();
        List<Integer> shares = new ArrayList<>();
        for (var e : caps.entrySet()) {
            int share = Math.min(e.getValue(), left / caps.size() + (services.size() < left % caps.size() ? 1 : 0));
            if (share > 0) {
                services.add(e.getKey());
                shares.add(share);
            }
        }
        if (services.isEmpty()) return out;
        // One statement for every service (a statement per service cost more than the claims
        // themselves), each service's due rows oldest first from the waiting index.
        Sql picked = dialect.eachKey("SELECT d.id FROM deliveries d" + dialect.indexedBy("deliveries_waiting")
                + " WHERE d.service_id = :key AND " + DUE + " ORDER BY d.next_attempt_at LIMIT :cap"
                + dialect.skipLocked("d"), List.of(now), services, shares);
        String sql = "UPDATE deliveries SET status = 'delivering', lease_until = ?, updated_at = ? WHERE "
                + dialect.idIn(picked.text()) + " AND service_id IN (SELECT id FROM services WHERE enabled)"
                + " RETURNING " + DeliveryStore.COLUMNS;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, now + leaseMs);
            ps.setLong(2, now);
            Sql.bind(c, ps, 3, picked.params());
            out.addAll(DeliveryStore.rows(ps));
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
        List<Delivery> out = new ArrayList<>(claimWhere(c, "deliveries_leased", EXPIRED, now, limit, leaseMs, only));
        out.addAll(claimWhere(c, serviceId == null ? "deliveries_due" : "deliveries_waiting",
                DUE + " ORDER BY d.next_attempt_at", now, limit - out.size(), leaseMs, only));
        return out;
    }

    /** {@code serviceIds}: only theirs; null for every service. */
    private List<Delivery> claimWhere(Connection c, String index, String due, long now, int limit, long leaseMs,
                                      List<String> serviceIds) throws SQLException {
        if (limit <= 0) return List.of();
        Dialect dialect = db.dialect();
        String only = serviceIds == null ? ""
                : " AND d.service_id IN (" + String.join(",", Collections.nCopies(serviceIds.size(), "?")) + ")";
        int order = due.indexOf(" ORDER BY");
        String condition = order < 0 ? due : due.substring(0, order);
        String orderBy = order < 0 ? "" : due.substring(order);
        String claimed = "SELECT d.id FROM deliveries d" + dialect.indexedBy(index)
                + " JOIN services s ON s.id = d.service_id WHERE s.enabled AND " + condition + only + orderBy
                + " LIMIT ?" + dialect.skipLocked("d");
        String sql = "UPDATE deliveries SET status = 'delivering', lease_until = ?, updated_at = ? WHERE "
                + dialect.idIn(claimed) + " RETURNING " + DeliveryStore.COLUMNS;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, now + leaseMs);
            ps.setLong(i++, now);
            ps.setLong(i++, now);
            if (serviceIds != null) for (String id : serviceIds) ps.setString(i++, id);
            ps.setInt(i, limit);
            return DeliveryStore.rows(ps);
        }
    }
}

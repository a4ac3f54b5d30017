package herald.delivery;

import herald.store.Dialect;
import herald.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What keeps the later deliveries of an ordering key out of the claims' way while an earlier one
 * waits or is being sent. Claims stay correct without it (their condition skips any delivery with
 * an earlier one of its key still holding, see {@link DeliveryClaims#DUE}), but they step over
 * each such delivery, one index probe each, and a claim that comes back short steps over every one
 * of them: with 1,000 keys and 40,000 deliveries waiting, 100 ms of SQLite's write lock per claim.
 * So a delivery that must wait is not due until its key moves on, and then it is sent at once by
 * the node that recorded the earlier one's outcome, without a claim. Every condition on a key's
 * deliveries repeats the ordered index's condition word for word, so SQLite uses that index.
 */
final class OrderingKeys {
    private static final String HOLDING = "ordering_key IS NOT NULL AND status IN ('pending', 'retrying', 'delivering', 'paused')";

    /** {@link #HOLDING} for the table aliased {@code alias}. */
    private static String holding(String alias) {
        return alias + "." + HOLDING.replace(" status", " " + alias + ".status");
    }
    /**
     * How long a new delivery behind a busy key is held at most. The earlier one's final outcome
     * takes or releases it at once; the bound only matters when that one ends another way (erased), so that
     * nothing waits for ever. Claims check the order whenever it is due.
     */
    static final long HELD_MS = 60_000;

    /**
     * How far ahead of the oldest delivery waiting for a claim a key may go on by itself: a
     * key's next delivery is handed straight on only when its event is at most this much newer.
     * Keys that keep busy cannot hold the others up for longer; within it, keys keep their room.
     */
    static final long TURN_MS = 1_000;

    private OrderingKeys() {}

    /**
     * Which of {@code keys} of the subscription have a delivery still waiting or being sent: a new
     * delivery of one of them waits held (see {@link #HELD_MS}). Asked only with SQLite's single
     * writer, inside the ingest's transaction: on PostgreSQL the earlier one's outcome could be
     * committed by another transaction between this read and this commit and move nothing on, so
     * new deliveries there are due at once and claims step over them.
     */
    static Set<String> busy(Connection c, String subscriptionId, Collection<String> keys) throws SQLException {
        Set<String> busy = new HashSet<>();
        if (keys.isEmpty()) return busy;
        // One index probe per key: with "ordering_key IN (...)" SQLite walked every holding row of the subscription.
        try (PreparedStatement ps = c.prepareStatement("WITH k(key) AS (VALUES " + String.join(",", Collections.nCopies(keys.size(), "(?)"))
                + ") SELECT key FROM k WHERE EXISTS (SELECT 1 FROM deliveries p WHERE " + holding("p")
                + " AND p.subscription_id = ? AND p.ordering_key = k.key)")) {
            int i = 1;
            for (String key : keys) ps.setString(i++, key);
            ps.setString(i, subscriptionId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) busy.add(rs.getString(1));
            }
        }
        return busy;
    }

    /**
     * The earliest delivery of the same subscription and key still waiting or being sent ahead of
     * a waiting ordered delivery: the one it waits for (null when it waits for none, or is not ordered).
     */
    static DeliveryStore.Ordering ahead(Connection c, String deliveryId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT d.ordering_key, CASE WHEN d.status IN ('pending', 'retrying', 'paused')"
                + " THEN (SELECT p.id FROM deliveries p WHERE " + holding("p")
                + " AND p.subscription_id = d.subscription_id AND p.ordering_key = d.ordering_key AND p.id < d.id"
                + " ORDER BY p.id LIMIT 1) END FROM deliveries d WHERE d.id = ? AND d.ordering_key IS NOT NULL")) {
            ps.setString(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new DeliveryStore.Ordering(rs.getString(1), rs.getString(2)) : null;
            }
        }
    }

    /**
     * The next delivery of each key whose delivery (by id) reached a final outcome (delivered or
     * dead), where it waits {@code pending} (held or due) and its event is no later than
     * {@code eventsUntil}: this node takes it, {@code delivering} until {@code leaseUntil}. Returns
     * them as now stored.
     */
    static List<Delivery> takeNext(Connection c, Dialect dialect, List<String> ended, long eventsUntil, long now,
                                   long leaseUntil) throws SQLException {
        if (ended.isEmpty()) return List.of();
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET status = 'delivering', lease_until = ?,"
                + " next_attempt_at = ?, updated_at = ? WHERE status = 'pending' AND created_at <= ? AND "
                + dialect.idIn(nextOf(ended.size())) + " RETURNING " + DeliveryStore.COLUMNS)) {
            ps.setLong(1, leaseUntil);
            ps.setLong(2, now);
            ps.setLong(3, now);
            ps.setLong(4, eventsUntil);
            for (int i = 0; i < ended.size(); i++) ps.setString(i + 5, ended.get(i));
            return DeliveryStore.rows(ps);
        }
    }

    /**
     * The next delivery of each key whose delivery (by id) reached a final outcome, where it still
     * waits {@code pending}, is left to claims in its place in line: due at its event's time, which
     * has passed (it waits with the ones that came before it). True when there was any.
     */
    static boolean releaseNext(Connection c, Dialect dialect, List<String> ended) throws SQLException {
        if (ended.isEmpty()) return false;
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET next_attempt_at = created_at"
                + " WHERE status = 'pending' AND next_attempt_at > created_at AND " + dialect.idIn(nextOf(ended.size())))) {
            for (int i = 0; i < ended.size(); i++) ps.setString(i + 1, ended.get(i));
            return ps.executeUpdate() > 0;
        }
    }

    /** Taken ones this node cannot send after all (no room left): back to wait, in their place in line. */
    static void giveBack(Connection c, List<Delivery> taken) throws SQLException {
        if (taken.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET status = 'pending', lease_until = NULL,"
                + " next_attempt_at = created_at WHERE status = 'delivering' AND id IN (" + Sql.marks(taken.size()) + ")")) {
            for (int i = 0; i < taken.size(); i++) ps.setString(i + 1, taken.get(i).id());
            ps.executeUpdate();
        }
    }

    /** The id of the next delivery still holding the key of each of {@code n} deliveries (by id, the parameters). */
    private static String nextOf(int n) {
        return "SELECT (SELECT MIN(n.id) FROM deliveries n WHERE " + holding("n")
                + " AND n.subscription_id = f.subscription_id AND n.ordering_key = f.ordering_key AND n.id > f.id)"
                + " FROM deliveries f WHERE f.id IN (" + Sql.marks(n) + ") AND f.ordering_key IS NOT NULL";
    }

    /** When the oldest delivery waiting for a claim became due (or will: later than now when none is due yet). */
    static long oldestDue(Connection c) throws SQLException {
        // The due index's condition word for word: its first entry.
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT MIN(next_attempt_at) FROM deliveries WHERE status IN ('pending', 'retrying')");
             ResultSet rs = ps.executeQuery()) {
            long at = rs.next() ? rs.getLong(1) : 0;
            return rs.wasNull() ? Long.MAX_VALUE : at;
        }
    }

    /**
     * A delivery ordered by a key goes back to wait for its retry: the later ones of its key wait at
     * least as long, so claims do not step over them, one by one, until then. (A delivery without a
     * key changes nothing.)
     */
    static void holdBehindRetry(Connection c, String deliveryId, long until) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET next_attempt_at = ?"
                + " WHERE " + HOLDING
                + " AND subscription_id = (SELECT h.subscription_id FROM deliveries h WHERE h.id = ?)"
                + " AND ordering_key = (SELECT h.ordering_key FROM deliveries h WHERE h.id = ?)"
                + " AND id > ? AND next_attempt_at < ? AND status <> 'delivering'")) {
            ps.setLong(1, until);
            ps.setString(2, deliveryId);
            ps.setString(3, deliveryId);
            ps.setString(4, deliveryId);
            ps.setLong(5, until);
            ps.executeUpdate();
        }
    }
}

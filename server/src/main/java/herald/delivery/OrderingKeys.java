package herald.delivery;

import herald.store.Dialect;
import herald.store.Rows;
import herald.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Ordering per key as a chain. Each ordered delivery names the delivery of its subscription and key
 * just before it ({@code prev_id}), and {@code ordering_tails} keeps each key's last one. A delivery
 * may go when the one before it no longer waits or is being sent: that one went only when its own
 * predecessor had ended, and so on, so nothing earlier of the key still holds it (a replayed one is
 * moved to the end of its key's line, an erased one is taken out of it). The chain's entries are
 * written once, when a delivery is made, in the order deliveries are made; an index by key put
 * every new and every ended ordered delivery at a random page of a large index (its key's place),
 * and made an ordered run's commits write several times the pages of an unordered one.
 * A delivery that must wait is stored held (not due) until its key moves on, and then it is sent at
 * once by the node that recorded the earlier one's outcome, without a claim. With several writers
 * an ingest locks its keys' tails and an outcome that ends a key's last delivery locks that key's
 * tail too, so that neither misses the other (see {@link #lockLines}).
 */
final class OrderingKeys {
    /** The statuses of a delivery that holds its key: waiting or being sent. */
    static final String HOLDING = "('pending', 'retrying', 'delivering', 'paused')";

    /**
     * How long a new delivery behind a busy key is held at most. The earlier one's final outcome
     * takes or releases it at once; the bound only matters when that one ends another way, so that
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

    /** An ordered delivery joining the end of its key's line: a new one of an ingest (in the batch's order), or a replayed one. */
    record Member(String subscriptionId, String key, String deliveryId) {}

    /** Where a new delivery goes in its key's line: after {@code prevId} (null: nothing before it), which still holds the key or not. */
    record Place(String prevId, boolean behindBusy) {}

    private record Tail(String subscriptionId, String key, String deliveryId, long updatedAt) {}

    private static final List<Rows.Column<Tail>> TAIL_COLUMNS = List.of(
            new Rows.Column<>("subscription_id", Rows.Type.TEXT, Tail::subscriptionId),
            new Rows.Column<>("ordering_key", Rows.Type.TEXT, Tail::key),
            new Rows.Column<>("delivery_id", Rows.Type.TEXT, Tail::deliveryId),
            new Rows.Column<>("updated_at", Rows.Type.BIGINT, Tail::updatedAt));
    /** A key seen for the first time: its tail, unless another transaction made it first (several writers). */
    private static final Rows<Tail> NEW_TAIL = Rows.insert("ordering_tails", "delivery_id",
            "ON CONFLICT (subscription_id, ordering_key) DO NOTHING", TAIL_COLUMNS);
    /** A key's new tail (made if it is new with one writer, or again if it was removed meanwhile by an erasure). */
    private static final Rows<Tail> MOVED_TAIL = Rows.insert("ordering_tails", null,
            "ON CONFLICT (subscription_id, ordering_key) DO UPDATE SET delivery_id = excluded.delivery_id, updated_at = excluded.updated_at",
            TAIL_COLUMNS);

    /**
     * Appends new deliveries to their keys' lines, in the order given, and answers where each one
     * goes. With several writers (PostgreSQL) a key seen for the first time is inserted first, so
     * that a second ingest making it waits for the first, and a known key's tail row is locked from the
     * moment it is read until the commit, so two ingests of one key chain up one after the other;
     * rows are written in key order, which keeps two such ingests from waiting on each other
     * crosswise. With one writer the tails are read, then written.
     */
    static Map<String, Place> append(Connection c, Dialect dialect, List<Member> members) throws SQLException {
        Map<String, List<Member>> lines = new TreeMap<>(); // by subscription and key
        for (Member m : members) lines.computeIfAbsent(m.subscriptionId() + '\u0000' + m.key(), k -> new ArrayList<>()).add(m);
        List<Tail> tails = new ArrayList<>(lines.size());
        long now = System.currentTimeMillis();
        for (List<Member> line : lines.values()) {
            Member last = line.get(line.size() - 1);
            tails.add(new Tail(last.subscriptionId(), last.key(), last.deliveryId(), now));
        }
        Map<String, Place> before = new HashMap<>();
        List<Tail> seen;
        if (dialect.singleWriter()) {
            seen = tails;
            before.putAll(read(c, dialect, seen));
        } else {
            // New keys are inserted; the others' rows are read locked. One removed in between (retention,
            // a deleted delivery's line) is inserted again, or read as another ingest inserted it.
            seen = new ArrayList<>();
            List<Tail> left = tails;
            while (!left.isEmpty()) {
                boolean[] first = dialect.write(c, NEW_TAIL, left).changed();
                List<Tail> known = new ArrayList<>();
                for (int i = 0; i < left.size(); i++) if (!first[i]) known.add(left.get(i));
                Map<String, Place> found = read(c, dialect, known);
                before.putAll(found);
                left = new ArrayList<>();
                for (Tail t : known) {
                    if (found.containsKey(t.subscriptionId() + '\u0000' + t.key())) seen.add(t); else left.add(t);
                }
            }
        }
        dialect.write(c, MOVED_TAIL, seen);
        Map<String, Place> places = new HashMap<>();
        Place none = new Place(null, false);
        for (var line : lines.entrySet()) {
            Place prev = before.getOrDefault(line.getKey(), none);
            for (Member m : line.getValue()) {
                places.put(m.deliveryId(), prev);
                prev = new Place(m.deliveryId(), true);
            }
        }
        return places;
    }

    /** The tail each of {@code tails}' keys has (locked with several writers), and whether it still holds the key. */
    private static Map<String, Place> read(Connection c, Dialect dialect, List<Tail> tails) throws SQLException {
        Map<String, List<String>> keysBySubscription = new TreeMap<>();
        for (Tail t : tails) keysBySubscription.computeIfAbsent(t.subscriptionId(), s -> new ArrayList<>()).add(t.key());
        Map<String, String> tailOf = new HashMap<>();
        for (var e : keysBySubscription.entrySet()) {
            // Locked in the order ingests, outcomes and deletes lock them: byte order (Java sorts the same but for
            // characters beyond U+FFFF against U+E000-U+FFFF, which keys hardly mix).
            try (PreparedStatement ps = c.prepareStatement("SELECT t.ordering_key, t.delivery_id FROM ordering_tails t"
                    + " WHERE t.subscription_id = ? AND t.ordering_key IN (" + Sql.marks(e.getValue().size()) + ")"
                    + (dialect.singleWriter() ? "" : " ORDER BY t.ordering_key COLLATE \"C\"" + dialect.forUpdate()))) {
                ps.setString(1, e.getKey());
                Sql.bind(c, ps, 2, e.getValue());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) tailOf.put(e.getKey() + '\u0000' + rs.getString(1), rs.getString(2));
                }
            }
        }
        // Whether each tail still holds its key, in a statement of its own: on PostgreSQL it sees what
        // was committed while the read above waited for a lock (an outcome of that tail: see lockLines).
        Set<String> holding = new HashSet<>();
        if (!tailOf.isEmpty()) {
            List<String> ids = List.copyOf(tailOf.values()); // a delivery is the tail of one key at most
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM deliveries WHERE id IN (" + Sql.marks(ids.size())
                    + ") AND status IN " + HOLDING)) {
                Sql.bind(c, ps, 1, ids);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) holding.add(rs.getString(1));
                }
            }
        }
        Map<String, Place> out = new HashMap<>();
        tailOf.forEach((key, id) -> out.put(key, new Place(id, holding.contains(id))));
        return out;
    }

    /**
     * Locks the tails of the keys whose last delivery is one of {@code ended} (deliveries whose
     * outcome this transaction records as final), with several writers, before their next
     * deliveries are looked for, in the order ingests lock them. An ingest that read such a tail
     * first, and holds a new delivery behind the ended one, commits first: the lock is granted then,
     * the ended one is no longer the tail, and the held delivery is found and moved on here. An
     * ingest that reads the tail later sees the outcome and holds nothing behind it. Without the lock,
     * a delivery held behind one whose outcome was committed between the ingest's read and its commit
     * would wait out {@link #HELD_MS}. A key whose tail is a later delivery needs no lock: that one
     * was committed, and is found, unless it is being deleted at that moment (an erasure moving the
     * tail back to the ended one): an ingest that then holds a delivery behind the ended one waits
     * out the minute, and claims take it then. Locking every ended delivery's key would close that
     * too, at the price of more outcomes waiting on long replays.
     */
    static void lockLines(Connection c, Dialect dialect, List<String> ended) throws SQLException {
        if (dialect.singleWriter() || ended.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("SELECT t.delivery_id FROM deliveries d JOIN ordering_tails t"
                + " ON t.subscription_id = d.subscription_id AND t.ordering_key = d.ordering_key AND t.delivery_id = d.id"
                + " WHERE d.id IN (" + Sql.marks(ended.size()) + ") ORDER BY t.subscription_id COLLATE \"C\","
                + " t.ordering_key COLLATE \"C\"" + dialect.forUpdate() + " OF t")) {
            Sql.bind(c, ps, 1, ended);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // each row is locked as it is read
                }
            }
        }
    }

    /**
     * A replayed delivery goes to the end of its key's line: the ones that waited behind it wait
     * for what it waited for, and it waits for the key's last one. (Were it put back in its old
     * place, a later one of its key that already went on could be sent beside it.)
     */
    static void requeue(Connection c, Dialect dialect, Member replayed) throws SQLException {
        String deliveryId = replayed.deliveryId();
        // The key's tail first: on PostgreSQL it stays locked until this commits, so that no ingest
        // appends behind this delivery before it has left its old place.
        Place place = append(c, dialect, List.of(replayed)).get(deliveryId);
        unlink(c, List.of(deliveryId));
        if (deliveryId.equals(place.prevId())) return; // its key's last already
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET prev_id = ? WHERE id = ?")) { // null: first of its key
            ps.setString(1, place.prevId());
            ps.setString(2, deliveryId);
            ps.executeUpdate();
        }
    }

    /** The deliveries that wait behind any of {@code ids} wait for what that one waited for instead. */
    private static void unlink(Connection c, List<String> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET prev_id = (SELECT g.prev_id FROM deliveries g"
                + " WHERE g.id = deliveries.prev_id) WHERE prev_id IN (" + Sql.marks(ids.size()) + ") AND prev_id IS NOT NULL")) {
            Sql.bind(c, ps, 1, ids);
            ps.executeUpdate();
        }
    }

    /**
     * The delivery at the head of the key a waiting ordered delivery waits behind: the earliest one
     * before it in its key's line still waiting or being sent (null when it waits for none, or is
     * not ordered).
     */
    static DeliveryStore.Ordering ahead(Connection c, String deliveryId) throws SQLException {
        String key, prev;
        boolean waiting;
        try (PreparedStatement ps = c.prepareStatement("SELECT ordering_key, prev_id, CASE WHEN status IN ('pending', 'retrying',"
                + " 'paused') THEN 1 ELSE 0 END FROM deliveries WHERE id = ? AND ordering_key IS NOT NULL")) {
            ps.setString(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                key = rs.getString(1);
                prev = rs.getString(2);
                waiting = rs.getInt(3) == 1;
            }
        }
        if (!waiting || prev == null) return new DeliveryStore.Ordering(key, null);
        // Back along the line while the ones before still hold the key; the last of those is the head.
        try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE back(id, prev_id, n) AS ("
                + "SELECT id, prev_id, 0 FROM deliveries WHERE id = ? AND status IN " + HOLDING
                + " UNION SELECT p.id, p.prev_id, b.n + 1 FROM deliveries p JOIN back b ON p.id = b.prev_id"
                + " WHERE p.status IN " + HOLDING + " AND b.n < 100000) SELECT id FROM back ORDER BY n DESC LIMIT 1")) {
            ps.setString(1, prev);
            try (ResultSet rs = ps.executeQuery()) {
                return new DeliveryStore.Ordering(key, rs.next() ? rs.getString(1) : null);
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

    /** The id of the delivery after each of {@code n} deliveries (by id, the parameters) in its key's line. */
    private static String nextOf(int n) {
        return "SELECT n.id FROM deliveries n WHERE n.prev_id IN (" + Sql.marks(n) + ") AND n.prev_id IS NOT NULL";
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
        try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE later(id) AS ("
                + "SELECT id FROM deliveries WHERE prev_id = ? AND prev_id IS NOT NULL"
                + " UNION SELECT n.id FROM deliveries n JOIN later l ON n.prev_id = l.id WHERE n.prev_id IS NOT NULL)"
                + " UPDATE deliveries SET next_attempt_at = ? WHERE id IN (SELECT id FROM later)"
                + " AND status IN ('pending', 'retrying', 'paused') AND next_attempt_at < ?")) {
            ps.setString(1, deliveryId);
            ps.setLong(2, until);
            ps.setLong(3, until);
            ps.executeUpdate();
        }
    }
}

package herald.event;

import herald.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading stored events back: by id, and filtered lists newest first. */
public final class EventQueries {
    public record StoredEvent(long seq, String id, String type, String source, String courseId, String userId,
                              long occurredAt, long receivedAt, String body) {}

    /** Every field optional; {@code serviceId}: events with a delivery to that service. */
    public record Filter(String type, String source, String courseId, String userId, Long since, Long until, String serviceId) {
        public Filter(String type, String source, String courseId, String userId, Long since, Long until) {
            this(type, source, courseId, userId, since, until, null);
        }

        /** Source, course, user and service have no index (one would cost every ingest a write): filtering on them scans. */
        boolean scans() {
            return source != null || courseId != null || userId != null || serviceId != null;
        }
    }

    /**
     * Rows newest first; {@code scannedDownTo} is set when a filter without an index stopped at the
     * scan window before finding a page, or when the page ended at {@link #PAGE_BODIES}: the rows
     * older than it are yet to be looked at.
     */
    public record Page(List<StoredEvent> rows, Long scannedDownTo) {}

    /**
     * What one page may hold of its events' bodies, in characters (bytes, as the database counts
     * them): a page of larger events is shorter, and goes on from a cursor. A page of 500 events near
     * the 1 MiB body limit was 500 MiB of text, and several times that as JSON.
     */
    static final long PAGE_BODIES = 2L * 1024 * 1024;

    /** How many events one request may step over while filtering on a field that has no index. */
    static final long SCAN_WINDOW = 100_000;
    private static final String COLUMNS = "seq, id, type, source, course_id, user_id, occurred_at, received_at, body";
    private final Database db;
    private final long scanWindow;

    public EventQueries(Database db) {
        this(db, SCAN_WINDOW);
    }

    EventQueries(Database db, long scanWindow) {
        this.db = db;
        this.scanWindow = scanWindow;
    }

    /** What a list of deliveries shows of each one's event: its type, course and user. */
    public record Summary(String id, String type, String courseId, String userId) {}

    /** The summaries of the events of these ids (those that still exist), by id. */
    public java.util.Map<String, Summary> summaries(java.util.Collection<String> ids) {
        java.util.Map<String, Summary> out = new java.util.HashMap<>();
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(ids));
        for (int from = 0; from < all.size(); from += 500) { // well within every driver's bound on parameters
            List<String> part = all.subList(from, Math.min(all.size(), from + 500));
            db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT id, type, course_id, user_id FROM events WHERE id IN ("
                        + herald.store.Sql.marks(part.size()) + ")")) {
                    for (int i = 0; i < part.size(); i++) ps.setString(i + 1, part.get(i));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.put(rs.getString(1), new Summary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                }
                return null;
            });
        }
        return out;
    }

    public Optional<StoredEvent> get(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM events WHERE id = ?")) {
                ps.setString(1, id);
                return rows(ps).stream().findFirst();
            }
        });
    }

    public Page list(Filter f, Long beforeSeq, int limit) {
        StringBuilder sql = new StringBuilder(" FROM events WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (f.type() != null) { sql.append(" AND type = ?"); args.add(f.type()); }
        if (f.source() != null) { sql.append(" AND source = ?"); args.add(f.source()); }
        if (f.courseId() != null) { sql.append(" AND course_id = ?"); args.add(f.courseId()); }
        if (f.userId() != null) { sql.append(" AND user_id = ?"); args.add(f.userId()); }
        if (f.since() != null) { sql.append(" AND occurred_at >= ?"); args.add(f.since()); }
        if (f.until() != null) { sql.append(" AND occurred_at < ?"); args.add(f.until()); }
        if (f.serviceId() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id AND d.service_id = ?)");
            args.add(f.serviceId());
        }
        if (beforeSeq != null) { sql.append(" AND seq < ?"); args.add(beforeSeq); }
        return db.read(c -> {
            Long floor = null;
            if (f.scans()) {
                long top = beforeSeq != null ? beforeSeq : maxSeq(c) + 1;
                if (top - scanWindow > 1) {
                    floor = top - scanWindow;
                    sql.append(" AND seq >= ?");
                    args.add(floor);
                }
            }
            Long cut = bodiesCut(c, sql.toString(), args, limit);
            if (cut != null) {
                sql.append(" AND seq >= ?");
                args.add(cut);
            }
            sql.append(" ORDER BY seq DESC LIMIT ?");
            args.add(limit);
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + sql)) {
                for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
                List<StoredEvent> rows = rows(ps);
                return new Page(rows, cut != null ? cut : rows.size() < limit ? floor : null);
            }
        });
    }

    /**
     * The oldest seq of the page when its bodies pass {@link #PAGE_BODIES} (the first row always
     * goes, however large), or null when the whole page is within it. Sizes are read first, so that
     * what is beyond is not fetched at all (PostgreSQL's driver holds a whole result).
     */
    private static Long bodiesCut(Connection c, String from, List<Object> args, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, octet_length(body)" + from + " ORDER BY seq DESC LIMIT ?")) {
            int i = 1;
            for (Object a : args) ps.setObject(i++, a);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                long before = 0;
                Long last = null;
                while (rs.next()) {
                    if (last != null && before >= PAGE_BODIES) return last;
                    last = rs.getLong(1);
                    before += rs.getLong(2);
                }
                return null;
            }
        }
    }

    private static long maxSeq(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<StoredEvent> rows(PreparedStatement ps) throws SQLException {
        List<StoredEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getLong(7), rs.getLong(8), rs.getString(9)));
            }
        }
        return out;
    }
}

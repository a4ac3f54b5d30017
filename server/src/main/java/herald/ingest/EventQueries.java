package herald.ingest;

import herald.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading stored events back: by id, and filtered lists newest first. */
public final class EventQueries {
    public record StoredEvent(long seq, String id, String type, String source, String courseId, String userId,
                              long occurredAt, long receivedAt, String body) {}

    public record Filter(String type, String source, String courseId, String userId, Long since, Long until) {}

    private static final String COLUMNS = "seq, id, type, source, course_id, user_id, occurred_at, received_at, body";
    private final Database db;

    public EventQueries(Database db) {
        this.db = db;
    }

    public Optional<StoredEvent> get(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM events WHERE id = ?")) {
                ps.setString(1, id);
                return rows(ps).stream().findFirst();
            }
        });
    }

    public List<StoredEvent> list(Filter f, Long beforeSeq, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM events WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (f.type() != null) { sql.append(" AND type = ?"); args.add(f.type()); }
        if (f.source() != null) { sql.append(" AND source = ?"); args.add(f.source()); }
        if (f.courseId() != null) { sql.append(" AND course_id = ?"); args.add(f.courseId()); }
        if (f.userId() != null) { sql.append(" AND user_id = ?"); args.add(f.userId()); }
        if (f.since() != null) { sql.append(" AND occurred_at >= ?"); args.add(f.since()); }
        if (f.until() != null) { sql.append(" AND occurred_at < ?"); args.add(f.until()); }
        if (beforeSeq != null) { sql.append(" AND seq < ?"); args.add(beforeSeq); }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        args.add(limit);
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
                return rows(ps);
            }
        });
    }

    private static List<StoredEvent> rows(PreparedStatement ps) throws java.sql.SQLException {
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

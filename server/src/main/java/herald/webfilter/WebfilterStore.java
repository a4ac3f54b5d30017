package herald.webfilter;

import com.fasterxml.jackson.databind.JsonNode;
import herald.store.Database;
import herald.store.DocumentStore;
import herald.store.DocumentTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Webfilters, and the log of their calls (kept {@link #CALLS_KEPT_MS}). */
public final class WebfilterStore implements DocumentStore<Webfilter> {
    /** One call of one webfilter, as logged. {@code outcome}: merged, halted, ignored (an error that does not halt), skipped. */
    public record CallLog(long seq, String webfilterId, String filterType, long at, long durationMs, Integer status, String errorKind,
                          String error, String outcome, String requestBody, String responseBody) {}

    static final long CALLS_KEPT_MS = 7 * 24 * 3_600_000L;
    private final DocumentTable<Webfilter> table;
    private final Database db;

    public WebfilterStore(Database db, FilterTypes types) {
        this.db = db;
        this.table = new DocumentTable<>("webfilters", List.of(
                new DocumentTable.Column<>("filter_type", Webfilter::filterType),
                new DocumentTable.Column<>("enabled", Webfilter::enabled)), new DocumentTable.Codec<>() {
            @Override public JsonNode full(Webfilter w) { return WebfilterJson.toJson(w, types); }
            @Override public JsonNode masked(Webfilter w) { return WebfilterJson.toJson(w, types); }
            @Override public Webfilter read(JsonNode doc, String id, long created, long updated) {
                return WebfilterJson.parse(doc, null, types).withId(id, created, updated);
            }
        }, null); // nothing secret: a webfilter's credentials are its service's
    }

    public List<Webfilter> list(Connection c, String afterId, int limit) throws SQLException {
        return table.list(c, null, null, afterId, limit);
    }

    @Override
    public List<Webfilter> all(Connection c) throws SQLException {
        return table.all(c);
    }

    public Optional<Webfilter> get(Connection c, String id) throws SQLException {
        return table.get(c, id);
    }

    @Override
    public void insert(Connection c, Webfilter w) throws SQLException {
        table.insert(c, w);
    }

    @Override
    public boolean update(Connection c, Webfilter w) throws SQLException {
        return table.update(c, w);
    }

    @Override
    public boolean delete(Connection c, String id) throws SQLException {
        return table.delete(c, id);
    }

    /** The enabled webfilters of a filter type in the order they run: by {@code order}, then as they were made. */
    public List<Webfilter> enabledFor(String filterType) {
        List<Webfilter> out = new ArrayList<>(db.read(c -> table.list(c, "filter_type", filterType, null, 10_000)));
        out.removeIf(w -> !w.enabled());
        out.sort(Comparator.comparingInt(Webfilter::order).thenComparingLong(Webfilter::createdAt).thenComparing(Webfilter::id));
        return out;
    }

    /** Writes call logs (by the runner's background writer, in groups). */
    void log(List<CallLog> calls) {
        db.inBookkeepingTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webfilter_calls (webfilter_id, filter_type, at, duration_ms,"
                    + " status_code, error_kind, error, outcome, request_body, response_body) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
                for (CallLog l : calls) {
                    ps.setString(1, l.webfilterId());
                    ps.setString(2, l.filterType());
                    ps.setLong(3, l.at());
                    ps.setLong(4, l.durationMs());
                    ps.setObject(5, l.status());
                    ps.setString(6, l.errorKind());
                    ps.setString(7, l.error());
                    ps.setString(8, l.outcome());
                    ps.setString(9, l.requestBody());
                    ps.setString(10, l.responseBody());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM webfilter_calls WHERE at < ?")) {
                ps.setLong(1, System.currentTimeMillis() - CALLS_KEPT_MS);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** A webfilter's calls, newest first. */
    public List<CallLog> calls(String webfilterId, int limit) {
        return db.read(c -> {
            List<CallLog> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, webfilter_id, filter_type, at, duration_ms, status_code,"
                    + " error_kind, error, outcome, request_body, response_body FROM webfilter_calls WHERE webfilter_id = ?"
                    + " ORDER BY seq DESC LIMIT ?")) {
                ps.setString(1, webfilterId);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int status = rs.getInt(6);
                        out.add(new CallLog(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                                rs.wasNull() ? null : status, rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                                rs.getString(11)));
                    }
                }
            }
            return out;
        });
    }
}

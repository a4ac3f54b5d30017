package herald.openedx;

import com.fasterxml.jackson.databind.JsonNode;
import herald.crypto.SecretBox;
import herald.store.DocumentStore;
import herald.store.DocumentTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Open edX event bus sources (their documents sealed: the Redis URL may hold a password), and the
 * messages that could not become events, kept with the reason so that the stream can move on.
 */
public final class EventBusStore implements DocumentStore<EventBusSource> {
    /** A message kept because it could not be decoded or its type is unknown. */
    public record Failed(long seq, String sourceId, String stream, String entryId, String messageId, String type, String reason,
                         String eventDataBase64, long at) {}

    private final DocumentTable<EventBusSource> sources;

    public EventBusStore(SecretBox secrets) {
        this.sources = new DocumentTable<>("openedx_sources", List.of(
                new DocumentTable.Column<>("name", EventBusSource::name),
                new DocumentTable.Column<>("enabled", EventBusSource::enabled)), new DocumentTable.Codec<>() {
            @Override public JsonNode full(EventBusSource s) { return EventBusSourceJson.toJson(s, true); }
            @Override public JsonNode masked(EventBusSource s) { return EventBusSourceJson.toJson(s, false); }
            @Override public EventBusSource read(JsonNode doc, String id, long created, long updated) {
                return EventBusSourceJson.parse(doc, null).withId(id, created, updated);
            }
        }, secrets);
    }

    public List<EventBusSource> list(Connection c, String afterId, int limit) throws SQLException {
        return sources.list(c, null, null, afterId, limit);
    }

    @Override
    public List<EventBusSource> all(Connection c) throws SQLException {
        return sources.all(c);
    }

    public Optional<EventBusSource> get(Connection c, String id) throws SQLException {
        return sources.get(c, id);
    }

    public Optional<EventBusSource> byName(Connection c, String name) throws SQLException {
        return sources.findBy(c, "name", name);
    }

    @Override
    public void insert(Connection c, EventBusSource s) throws SQLException {
        sources.insert(c, s);
    }

    @Override
    public boolean update(Connection c, EventBusSource s) throws SQLException {
        return sources.update(c, s);
    }

    @Override
    public boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM openedx_failed_messages WHERE source_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        return sources.delete(c, id);
    }

    @Override
    public void releaseNames(Connection c, java.util.Collection<String> ids) throws SQLException {
        sources.releaseNames(c, ids);
    }

    public void fail(Connection c, Failed f) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO openedx_failed_messages (source_id, stream, entry_id, message_id,"
                + " type, reason, event_data, at) VALUES (?,?,?,?,?,?,?,?)")) {
            ps.setString(1, f.sourceId());
            ps.setString(2, f.stream());
            ps.setString(3, f.entryId());
            ps.setString(4, f.messageId());
            ps.setString(5, f.type());
            ps.setString(6, f.reason());
            ps.setString(7, f.eventDataBase64());
            ps.setLong(8, f.at());
            ps.executeUpdate();
        }
    }

    /** The source's failed messages, newest first. */
    public List<Failed> failures(Connection c, String sourceId, int limit) throws SQLException {
        List<Failed> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, source_id, stream, entry_id, message_id, type, reason, event_data, at"
                + " FROM openedx_failed_messages WHERE source_id = ? ORDER BY seq DESC LIMIT ?")) {
            ps.setString(1, sourceId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Failed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9)));
                }
            }
        }
        return out;
    }

    public long failureCount(Connection c, String sourceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM openedx_failed_messages WHERE source_id = ?")) {
            ps.setString(1, sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

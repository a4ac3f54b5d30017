package herald.sources;

import com.fasterxml.jackson.databind.JsonNode;
import herald.crypto.SecretBox;
import herald.store.DocumentStore;
import herald.store.DocumentTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Sources, their tail position and the log ids they watch, in Herald's database. Methods take the
 * caller's connection so that a checkpoint commits with the events it covers. The whole source
 * document is stored encrypted (it holds the Moodle password); {@code spec} has the masked copy.
 */
public final class SourceStore implements DocumentStore<Source> {
    /** The checkpoint write found another node holding the source's lease: nothing is committed. */
    public static final class LeaseLost extends SQLException {
        LeaseLost(String sourceId) {
            super("source " + sourceId + " is tailed by another Herald node now");
        }
    }

    /** Where a source stands: its checkpoint (null before the start position was resolved) and the lease. */
    public record State(Long lastLogId, String leaseOwner, long leaseUntil) {}

    private final DocumentTable<Source> sources;

    public SourceStore(SecretBox secrets) {
        this.sources = new DocumentTable<>("sources", List.of(
                new DocumentTable.Column<>("name", Source::name),
                new DocumentTable.Column<>("enabled", Source::enabled)), new DocumentTable.Codec<>() {
            @Override public JsonNode full(Source s) { return SourceJson.toJson(s, true); }
            @Override public JsonNode masked(Source s) { return SourceJson.toJson(s, false); }
            @Override public Source read(JsonNode doc, String id, long created, long updated) {
                return SourceJson.parse(doc, null).withId(id, created, updated);
            }
        }, secrets);
    }

    // --- sources

    public List<Source> list(Connection c, String afterId, int limit) throws SQLException {
        return sources.list(c, null, null, afterId, limit);
    }

    @Override
    public List<Source> all(Connection c) throws SQLException {
        return sources.all(c);
    }

    public Optional<Source> get(Connection c, String id) throws SQLException {
        return sources.get(c, id);
    }

    public Optional<Source> byName(Connection c, String name) throws SQLException {
        return sources.findBy(c, "name", name);
    }

    /** A new source, with its tail position not yet resolved. */
    @Override
    public void insert(Connection c, Source s) throws SQLException {
        sources.insert(c, s);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO source_state (source_id, updated_at) VALUES (?,?)")) {
            ps.setString(1, s.id());
            ps.setLong(2, s.updatedAt());
            ps.executeUpdate();
        }
    }

    @Override
    public boolean update(Connection c, Source s) throws SQLException {
        return sources.update(c, s);
    }

    /** Deletes a source with its position; the events it stored stay. */
    @Override
    public boolean delete(Connection c, String id) throws SQLException {
        update(c, "DELETE FROM source_watched WHERE source_id = ?", id);
        update(c, "DELETE FROM source_state WHERE source_id = ?", id);
        return sources.delete(c, id);
    }

    /** Placeholder names for these sources, so that a restore can hand names around (see {@link DocumentTable#releaseNames}). */
    @Override
    public void releaseNames(Connection c, Collection<String> ids) throws SQLException {
        sources.releaseNames(c, ids);
    }

    // --- tail position

    public State state(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT last_log_id, lease_owner, lease_until FROM source_state WHERE source_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return new State(null, null, 0);
                long last = rs.getLong(1);
                Long lastLogId = rs.wasNull() ? null : last;
                return new State(lastLogId, rs.getString(2), rs.getLong(3));
            }
        }
    }

    /**
     * Takes or renews the lease on a source for {@code owner} until {@code until}; false when another
     * node holds an unexpired lease.
     */
    public boolean lease(Connection c, String id, String owner, long now, long until) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE source_state SET lease_owner = ?, lease_until = ?"
                + " WHERE source_id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)")) {
            ps.setString(1, owner);
            ps.setLong(2, until);
            ps.setString(3, id);
            ps.setString(4, owner);
            ps.setLong(5, now);
            return ps.executeUpdate() > 0;
        }
    }

    public void releaseLease(Connection c, String id, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE source_state SET lease_owner = NULL, lease_until = NULL WHERE source_id = ? AND lease_owner = ?")) {
            ps.setString(1, id);
            ps.setString(2, owner);
            ps.executeUpdate();
        }
    }

    /** Moves the checkpoint; fenced by the lease, so a node that lost it cannot write. */
    public void checkpoint(Connection c, String id, String owner, long lastLogId, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE source_state SET last_log_id = ?, updated_at = ? WHERE source_id = ? AND lease_owner = ?")) {
            ps.setLong(1, lastLogId);
            ps.setLong(2, now);
            ps.setString(3, id);
            ps.setString(4, owner);
            if (ps.executeUpdate() == 0) throw new LeaseLost(id);
        }
    }

    /** The watched log ids with the time each was first missed. */
    public TreeMap<Long, Long> watched(Connection c, String id) throws SQLException {
        TreeMap<Long, Long> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT log_id, since FROM source_watched WHERE source_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    public void watch(Connection c, String id, Collection<Long> logIds, long since) throws SQLException {
        if (logIds.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO source_watched (source_id, log_id, since) VALUES (?,?,?)"
                + " ON CONFLICT (source_id, log_id) DO NOTHING")) {
            for (long logId : logIds) {
                ps.setString(1, id);
                ps.setLong(2, logId);
                ps.setLong(3, since);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public void unwatch(Connection c, String id, Collection<Long> logIds) throws SQLException {
        if (logIds.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM source_watched WHERE source_id = ? AND log_id = ?")) {
            for (long logId : logIds) {
                ps.setString(1, id);
                ps.setLong(2, logId);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static int update(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            return ps.executeUpdate();
        }
    }
}

package herald.store;

import com.fasterxml.jackson.databind.JsonNode;
import herald.crypto.SecretBox;
import herald.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A table of configuration documents (services, subscriptions, sources…): each row holds the
 * document as JSON beside a few plain columns that queries and constraints need (a unique name, the
 * enabled flag, a parent id). A sealed table keeps the whole document, secrets included, encrypted
 * in {@code secrets} and a masked copy for people in {@code spec}; an open one keeps it in {@code spec}.
 * Methods take the caller's connection, so that several changes commit together.
 *
 * @param <T> the document's type
 */
public final class DocumentTable<T extends Stored> {
    /** How a document is written and read back. */
    public interface Codec<T> {
        /** The document as stored, secrets in clear (sealed tables encrypt it). */
        JsonNode full(T doc);

        /** The document as people reading the database may see it. */
        JsonNode masked(T doc);

        /** A stored document back, with the row's id and times. */
        T read(JsonNode doc, String id, long createdAt, long updatedAt);
    }

    /** A plain column beside the document, set from it on every write. */
    public record Column<T>(String name, Function<T, Object> value) {}

    private final String table;
    private final List<Column<T>> columns;
    private final Codec<T> codec;
    private final SecretBox sealer;

    /** {@code sealer} null: the document is kept in {@code spec} as it is. */
    public DocumentTable(String table, List<Column<T>> columns, Codec<T> codec, SecretBox sealer) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.codec = codec;
        this.sealer = sealer;
    }

    private String documentColumn() {
        return sealer == null ? "spec" : "secrets";
    }

    /** Newest first, after {@code afterId} (null: from the newest), at most {@code limit}; {@code where} null for all. */
    public List<T> list(Connection c, String whereColumn, Object whereValue, String afterId, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, " + documentColumn() + ", created_at, updated_at FROM " + table
                + " WHERE 1=1");
        List<Object> params = new ArrayList<>();
        if (whereColumn != null) {
            sql.append(" AND ").append(checkedColumn(whereColumn)).append(" = ?");
            params.add(whereValue);
        }
        if (afterId != null) {
            sql.append(" AND id < ?");
            params.add(afterId);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Sql.bind(c, ps, 1, params);
            return read(ps);
        }
    }

    /** Each row's {@code column} (one of its plain columns) by id, ordered by that column: no document is read or opened. */
    public java.util.Map<String, String> column(Connection c, String column) throws SQLException {
        String checked = checkedColumn(column);
        var out = new java.util.LinkedHashMap<String, String>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, " + checked + " FROM " + table + " ORDER BY " + checked + ", id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        return out;
    }

    public List<T> all(Connection c) throws SQLException {
        return list(c, null, null, null, Integer.MAX_VALUE);
    }

    public Optional<T> get(Connection c, String id) throws SQLException {
        return findBy(c, "id", id);
    }

    /** The document whose {@code column} (one of its plain columns, or id) holds {@code value}. */
    public Optional<T> findBy(Connection c, String column, Object value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, " + documentColumn() + ", created_at, updated_at FROM "
                + table + " WHERE " + checkedColumn(column) + " = ?")) {
            Sql.bind(c, ps, 1, java.util.Collections.singletonList(value));
            return read(ps).stream().findFirst();
        }
    }

    private String checkedColumn(String name) {
        if (name.equals("id")) return name;
        for (Column<T> col : columns) if (col.name().equals(name)) return name;
        throw new IllegalArgumentException(table + " has no column " + name);
    }

    private List<T> read(PreparedStatement ps) throws SQLException {
        List<T> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String stored = rs.getString(2);
                JsonNode doc = Json.read(sealer == null ? stored : sealer.decrypt(stored));
                out.add(codec.read(doc, rs.getString(1), rs.getLong(3), rs.getLong(4)));
            }
        }
        return out;
    }

    public void insert(Connection c, T doc) throws SQLException {
        List<String> names = new ArrayList<>(List.of("id"));
        columns.forEach(col -> names.add(col.name()));
        names.add("spec");
        if (sealer != null) names.add("secrets");
        names.add("created_at");
        names.add("updated_at");
        String marks = Sql.marks(names.size());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + String.join(", ", names)
                + ") VALUES (" + marks + ")")) {
            List<Object> params = new ArrayList<>();
            params.add(doc.id());
            columns.forEach(col -> params.add(col.value().apply(doc)));
            addDocument(params, doc);
            params.add(doc.createdAt());
            params.add(doc.updatedAt());
            Sql.bind(c, ps, 1, params);
            ps.executeUpdate();
        }
    }

    /** Replaces the stored document of the same id; false when there is none. */
    public boolean update(Connection c, T doc) throws SQLException {
        StringBuilder set = new StringBuilder();
        for (Column<T> col : columns) set.append(col.name()).append(" = ?, ");
        set.append("spec = ?, ");
        if (sealer != null) set.append("secrets = ?, ");
        set.append("updated_at = ?");
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + set + " WHERE id = ?")) {
            List<Object> params = new ArrayList<>();
            columns.forEach(col -> params.add(col.value().apply(doc)));
            addDocument(params, doc);
            params.add(doc.updatedAt());
            params.add(doc.id());
            Sql.bind(c, ps, 1, params);
            return ps.executeUpdate() > 0;
        }
    }

    private void addDocument(List<Object> params, T doc) {
        params.add(Json.write(codec.masked(doc)));
        if (sealer != null) params.add(sealer.encrypt(Json.write(codec.full(doc))));
    }

    public boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    /**
     * Gives each listed document a placeholder {@code name} that no valid name can be ({@code ~} and
     * {@code :} are never allowed in one), so that a restore can then hand names around (A takes B's
     * name and B takes A's) without a unique-name violation.
     */
    public void releaseNames(Connection c, Collection<String> ids) throws SQLException {
        if (ids.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET name = ? WHERE id = ?")) {
            for (String id : ids) {
                ps.setString(1, "~released:" + id);
                ps.setString(2, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}

package herald.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One statement applied to a group of rows: an INSERT of the rows, or an UPDATE of a table by the
 * rows. The {@link Dialect} decides how it runs: SQLite as a JDBC batch (one execution per row, no
 * round trips in-process), PostgreSQL as one statement over arrays ({@code unnest}), one execution
 * for the whole group. Written once, for both.
 *
 * @param <T> what one row is made from
 */
public final class Rows<T> {
    /** The column types the two dialects share. */
    public enum Type {
        TEXT("text", Types.VARCHAR), BIGINT("bigint", Types.BIGINT), INT("int4", Types.INTEGER),
        BOOL("bool", Types.BOOLEAN), DOUBLE("float8", Types.DOUBLE);

        final String pg;
        final int jdbc;

        Type(String pg, int jdbc) {
            this.pg = pg;
            this.jdbc = jdbc;
        }
    }

    /** A value of each row, named as the statement names it ({@code :name} in an UPDATE's text). */
    public record Column<T>(String name, Type type, Function<T, Object> value) {}

    /**
     * Which rows the statement changed, in the order given: a row skipped by {@code ON CONFLICT DO
     * NOTHING} or not matched by an UPDATE's condition is false.
     */
    public record Result(boolean[] changed) {}

    private final String table;
    private final List<Column<T>> columns;
    private final String insertTail;
    private final String set;
    private final String where;
    private final String key;

    private Rows(String table, List<Column<T>> columns, String insertTail, String set, String where, String key) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.insertTail = insertTail;
        this.set = set;
        this.where = where;
        this.key = key;
    }

    /**
     * {@code INSERT INTO table (columns) …} with {@code conflict} after the values (e.g. {@code ON
     * CONFLICT (id) DO NOTHING}, or ""); {@code key} names the column that tells rows apart, or is
     * null when the caller does not ask which rows were stored.
     */
    public static <T> Rows<T> insert(String table, String key, String conflict, List<Column<T>> columns) {
        return new Rows<>(table, columns, conflict, null, null, key);
    }

    /**
     * {@code UPDATE table SET set WHERE where}, where {@code :name} stands for a column of the row
     * (e.g. {@code set} "status = :status, attempts = attempts + 1", {@code where} "id = :id AND
     * status = 'delivering'"); {@code key} is the row's column that holds the table's primary key.
     */
    public static <T> Rows<T> update(String table, String key, String set, String where, List<Column<T>> columns) {
        return new Rows<>(table, columns, null, set, where, key);
    }

    private boolean isInsert() {
        return set == null;
    }

    private String columnList() {
        return String.join(", ", columns.stream().map(Column::name).toList());
    }

    /** Named placeholders replaced, each by {@code as.apply(column index)}. */
    private String named(String text, Function<Integer, String> as) {
        String out = text;
        // Longest names first, so that :status_code is not taken for :status.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) order.add(i);
        order.sort((a, b) -> columns.get(b).name().length() - columns.get(a).name().length());
        for (int i : order) out = out.replace(":" + columns.get(i).name(), as.apply(i));
        return out;
    }

    Result batch(Connection c, List<T> items) throws SQLException {
        boolean[] changed = new boolean[items.size()];
        if (items.isEmpty()) return new Result(changed);
        String sql;
        List<Integer> order = new ArrayList<>();
        if (isInsert()) {
            sql = "INSERT INTO " + table + " (" + columnList() + ") VALUES ("
                    + Sql.marks(columns.size()) + ") " + insertTail;
            for (int i = 0; i < columns.size(); i++) order.add(i);
        } else {
            String text = "UPDATE " + table + " SET " + set + " WHERE " + where;
            java.util.regex.Matcher m = NAME.matcher(text);
            while (m.find()) order.add(indexOf(m.group(1)));
            sql = named(text, i -> "?");
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (T item : items) {
                int p = 1;
                for (int i : order) {
                    Column<T> col = columns.get(i);
                    Object v = col.value().apply(item);
                    bind(ps, p++, col.type(), v);
                }
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < counts.length; i++) changed[i] = counts[i] != 0;
        }
        return new Result(changed);
    }

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(":([a-z_]+)");

    /** By the column's type: the driver's {@code setObject} inspects each value's class to find the setter. */
    private static void bind(PreparedStatement ps, int p, Type type, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(p, type.jdbc);
            return;
        }
        if (v instanceof String text && type == Type.TEXT) ps.setString(p, text);
        else if (v instanceof Long n && type == Type.BIGINT) ps.setLong(p, n);
        else if (v instanceof Integer n && type == Type.INT) ps.setInt(p, n);
        else ps.setObject(p, v, type.jdbc);
    }

    private int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) if (columns.get(i).name().equals(name)) return i;
        throw new IllegalArgumentException("no column :" + name + " in " + table);
    }

    Result overArrays(Connection c, List<T> items) throws SQLException {
        boolean[] changed = new boolean[items.size()];
        if (items.isEmpty()) return new Result(changed);
        StringBuilder arrays = new StringBuilder();
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) arrays.append(", ");
            arrays.append("?::").append(columns.get(i).type().pg).append("[]");
            aliases.add("c" + i);
        }
        String unnest = "unnest(" + arrays + ") AS u(" + String.join(", ", aliases) + ")";
        if (key == null) { // an insert whose caller does not ask which rows were stored
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + columnList() + ") SELECT * FROM "
                    + unnest + " " + insertTail)) {
                bindArrays(c, ps, items);
                ps.executeUpdate();
            }
            java.util.Arrays.fill(changed, true);
            return new Result(changed);
        }
        int keyColumn = indexOf(key);
        String sql = isInsert()
                ? "INSERT INTO " + table + " (" + columnList() + ") SELECT * FROM " + unnest + " " + insertTail
                        + " RETURNING " + key
                : "UPDATE " + table + " SET " + named(set, i -> "u.c" + i) + " FROM " + unnest + " WHERE "
                        + named(where, i -> "u.c" + i) + " RETURNING " + table + "." + tableKey();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindArrays(c, ps, items);
            // A key returned marks its first row not yet marked: a group may hold a key twice, and
            // then only its first occurrence is the one stored.
            Map<Object, List<Integer>> rowsByKey = new HashMap<>();
            for (int r = 0; r < items.size(); r++) {
                rowsByKey.computeIfAbsent(columns.get(keyColumn).value().apply(items.get(r)).toString(),
                        k -> new ArrayList<>()).add(r);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Integer> rows = rowsByKey.get(rs.getString(1));
                    if (rows != null && !rows.isEmpty()) changed[rows.remove(0)] = true;
                }
            }
        }
        return new Result(changed);
    }

    private void bindArrays(Connection c, PreparedStatement ps, List<T> items) throws SQLException {
        for (int i = 0; i < columns.size(); i++) {
            Column<T> col = columns.get(i);
            Object[] values = new Object[items.size()];
            for (int r = 0; r < items.size(); r++) values[r] = col.value().apply(items.get(r));
            ps.setArray(i + 1, c.createArrayOf(col.type().pg, values));
        }
    }

    /** The table's key column an UPDATE returns: the row column {@code key} matched in {@code where}, by name. */
    private String tableKey() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-z_.]+)\\s*=\\s*:" + key + "\\b").matcher(where);
        if (!m.find()) throw new IllegalArgumentException("the condition of an UPDATE of " + table + " must match :" + key);
        return m.group(1);
    }
}

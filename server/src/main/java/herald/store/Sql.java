package herald.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** A piece of SQL with its parameters in order, as built by a {@link Dialect}. */
public record Sql(String text, List<Object> params) {

    /** A parameter bound as a PostgreSQL array of {@code type}. */
    public record Array(String type, Object[] values) {}

    /** {@code column LIKE ?} with the escape {@link #containing} uses, the same in SQLite and PostgreSQL. */
    public static String like(String column) {
        return column + " LIKE ? ESCAPE '!'";
    }

    /** The pattern for {@link #like}: text holding {@code s} anywhere, LIKE's own characters in it escaped. */
    public static String containing(String s) {
        return "%" + s.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    /** {@code n} parameter marks for an IN list or a VALUES row: {@code ?,?,?}. */
    public static String marks(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "?"));
    }

    /** Binds {@code params} from position {@code first}; returns the next position. */
    public static int bind(Connection c, PreparedStatement ps, int first, List<?> params) throws SQLException {
        int i = first;
        for (Object p : params) {
            switch (p) {
                case null -> ps.setNull(i, Types.NULL);
                case String s -> ps.setString(i, s);
                case Integer n -> ps.setInt(i, n);
                case Long n -> ps.setLong(i, n);
                case Boolean b -> ps.setBoolean(i, b);
                case Double d -> ps.setDouble(i, d);
                case Array a -> ps.setArray(i, c.createArrayOf(a.type(), a.values()));
                default -> throw new IllegalArgumentException("cannot bind " + p.getClass());
            }
            i++;
        }
        return i;
    }
}

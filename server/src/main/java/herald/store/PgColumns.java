package herald.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

/**
 * One column of a group of rows as a PostgreSQL array, for statements over arrays
 * ({@code INSERT … SELECT * FROM unnest(?::text[], ?::bigint[], …)}): one execution for the whole
 * group costs the server much less than one per row.
 */
public final class PgColumns {
    private PgColumns() {}

    public static <T> Array text(Connection c, List<T> rows, Function<T, String> value) throws SQLException {
        return c.createArrayOf("text", rows.stream().map(value).toArray(String[]::new));
    }

    public static <T> Array bigint(Connection c, List<T> rows, Function<T, Long> value) throws SQLException {
        return c.createArrayOf("bigint", rows.stream().map(value).toArray(Long[]::new));
    }

    public static <T> Array integer(Connection c, List<T> rows, Function<T, Integer> value) throws SQLException {
        return c.createArrayOf("int4", rows.stream().map(value).toArray(Integer[]::new));
    }
}

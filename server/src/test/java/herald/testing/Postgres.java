package herald.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fresh databases on the real local PostgreSQL ({@code HERALD_TEST_PG}, default
 * 127.0.0.1:5432 as postgres with trust auth). Fails loudly when the server is absent: these tests
 * must run, and {@code .ci/run} starts or installs PostgreSQL.
 */
public final class Postgres {
    public static final String SERVER = System.getenv().getOrDefault("HERALD_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/");
    public static final String USER = System.getenv().getOrDefault("HERALD_TEST_PG_USER", "postgres");

    private Postgres() {}

    /** Creates an empty database and returns its JDBC URL. */
    public static String createDatabase(String prefix) {
        String name = prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is needed at " + SERVER + " (user " + USER
                    + "): start it (pg_ctlcluster 15 main start) or set HERALD_TEST_PG. " + e.getMessage(), e);
        }
        return SERVER + name + "?user=" + USER;
    }

    public static void dropDatabase(String url) {
        String name = url.substring(SERVER.length(), url.indexOf('?'));
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name, e);
        }
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(SERVER + "postgres?user=" + USER);
    }
}

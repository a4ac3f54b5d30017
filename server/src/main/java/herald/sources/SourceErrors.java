package herald.sources;

import herald.store.StoreException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;

/**
 * What a source's status says went wrong, in Herald's words. A database driver's own message can
 * quote what the far end sent (a greeting, a banner), so with a source pointed at any host and
 * port it would read that host's service out; the status says only what kind of failure it was.
 */
final class SourceErrors {
    private SourceErrors() {}

    /** A source failure Herald describes itself (its message is safe to show as it is). */
    static final class Refused extends SQLException {
        Refused(String message) {
            super(message, "08004");
        }
    }

    static String describe(Throwable e, Source source) {
        while ((e instanceof ExecutionException || (e instanceof RuntimeException && !(e instanceof StoreException)))
                && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof SourceStore.LeaseLost || e instanceof Refused) return e.getMessage();
        if (e instanceof StoreException) return "Herald's own database failed; the poll is retried";
        if (e instanceof SQLException sql) return sqlFailure(sql, source);
        return "the poll failed (" + e.getClass().getSimpleName() + ")";
    }

    private static String sqlFailure(SQLException e, Source source) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof UnknownHostException) return "cannot connect to the Moodle database: its host name does not resolve";
            if (c instanceof SocketTimeoutException) return "cannot connect to the Moodle database: the connection timed out";
            if (c instanceof ConnectException) return "cannot connect to the Moodle database: the connection was refused";
        }
        if (state.startsWith("08")) return "cannot connect to the Moodle database (SQL state " + state + ")";
        if (state.startsWith("28")) return "the Moodle database refused the user or password (SQL state " + state + ")";
        if (state.equals("3D000") || state.equals("42000") && message(e).contains("database")) {
            return "the database named in jdbc_url does not exist or may not be used (SQL state " + state + ")";
        }
        if (state.equals("42S02") || state.equals("42P01")) {
            return "the table " + source.logTable() + " does not exist (check table_prefix) (SQL state " + state + ")";
        }
        if (state.equals("42501") || state.equals("42000")) {
            return "the Moodle database user may not read " + source.logTable() + " (SQL state " + state + ")";
        }
        return "a query on the Moodle database failed (SQL state " + (state.isEmpty() ? "unknown" : state) + ")";
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
    }
}

package herald.store;

import herald.problem.Problem;
import java.sql.SQLException;

/** A database failure; the API answers it with 503 so clients retry, and never with partial data. */
public final class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** True when PostgreSQL ended the transaction to break a deadlock ({@code 40P01}): run again, it may well pass. */
    public boolean isDeadlock() {
        return getCause() instanceof SQLException e && "40P01".equals(e.getSQLState());
    }

    /** True when the failure is a unique-constraint violation (both SQLite and PostgreSQL). */
    public boolean isUniqueViolation() {
        SQLException e = (SQLException) getCause();
        return "23505".equals(e.getSQLState())
                || (e.getMessage() != null && e.getMessage().contains("UNIQUE constraint failed"));
    }

    /**
     * What a client is told: {@code notDone} (e.g. "nothing was stored") and when to try again. A
     * full disk says so, with the code {@code disk_full}, and asks for a longer wait: space comes
     * back when an operator frees it, not in seconds.
     */
    public Problem problem(String notDone) {
        if (isDiskFull()) {
            return Problem.unavailable("the database's disk is full; " + notDone + ". Retry once space is freed")
                    .retryAfter(30).withCode("disk_full");
        }
        return Problem.unavailable("the database is unavailable; " + notDone + ", retry shortly").retryAfter(5);
    }

    /**
     * True when the database could not write because its disk is full: SQLite's {@code SQLITE_FULL}
     * (result code 13, also an I/O error while writing) or PostgreSQL's {@code 53100 disk_full}.
     */
    public boolean isDiskFull() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException e && diskFull(e)) return true;
            for (Throwable s : t.getSuppressed()) if (s instanceof SQLException e && diskFull(e)) return true;
        }
        return false;
    }

    private static boolean diskFull(SQLException e) {
        if ("53100".equals(e.getSQLState())) return true;
        if (e instanceof org.sqlite.SQLiteException sqlite) {
            int primary = sqlite.getResultCode().code & 0xff;
            return primary == SQLITE_FULL;
        }
        return false;
    }

    private static final int SQLITE_FULL = 13;
}

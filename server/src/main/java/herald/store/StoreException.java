package herald.store;

import java.sql.SQLException;

/** A database failure; the API answers it with 503 so clients retry, and never with partial data. */
public final class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** True when the failure is a unique-constraint violation (both SQLite and PostgreSQL). */
    public boolean isUniqueViolation() {
        SQLException e = (SQLException) getCause();
        return "23505".equals(e.getSQLState())
                || (e.getMessage() != null && e.getMessage().contains("UNIQUE constraint failed"));
    }
}

package herald.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;

/**
 * What differs between SQLite and PostgreSQL, in one place: how a group of rows is written in one
 * statement, how a list of picked ids is looked up, how claims lock rows, how a transaction skips
 * the disk flush. The SQL elsewhere is written once for both (ON CONFLICT, RETURNING, partial
 * indexes) and asks the dialect only for these parts.
 */
public abstract sealed class Dialect permits Dialect.Sqlite, Dialect.Postgres {
    public static final Dialect SQLITE = new Sqlite();
    public static final Dialect POSTGRES = new Postgres();

    private Dialect() {}

    /** Where Flyway finds this dialect's migrations. */
    abstract String migrations();

    /** How many transactions may write at once: SQLite has one writer whatever is configured. */
    public abstract int writers(int configured);

    /** Whether writers must queue for one write lock (SQLite), rather than overlap. */
    public boolean singleWriter() {
        return writers(Integer.MAX_VALUE) == 1;
    }

    /** Whether nodes can wake each other through the database (PostgreSQL's LISTEN/NOTIFY). */
    public abstract boolean notifies();

    /** {@code id} among the rows {@code select} picks, in the form the planner looks up by primary key. */
    public abstract String idIn(String select);

    /** An index hint after a table's alias; SQLite has no statistics to choose by, PostgreSQL chooses itself. */
    public abstract String indexedBy(String index);

    /** After a claim's SELECT: lock the picked rows of {@code alias}, skipping those another node is claiming. */
    public abstract String skipLocked(String alias);

    /** After a SELECT of one row that the transaction will update: lock it (SQLite's write lock is already held). */
    public abstract String forUpdate();

    /**
     * One statement that picks ids for each key: {@code perKey} is a SELECT of ids in which
     * {@code :key} and {@code :cap} stand for one key and how many rows it may take, and whose
     * {@code ?} parameters are {@code perKeyParams}, the same for every key.
     */
    public abstract Sql eachKey(String perKey, java.util.List<Object> perKeyParams, java.util.List<String> keys,
                                java.util.List<Integer> caps);

    /**
     * Makes the next transaction on {@code c} (still in autocommit mode) commit without waiting for
     * the disk; {@link #endBookkeeping} undoes it once the connection is back in autocommit mode.
     */
    abstract void beginBookkeeping(Connection c) throws SQLException;

    abstract void endBookkeeping(Connection c) throws SQLException;

    /** Statements over a group of rows. */
    public abstract <T> Rows.Result write(Connection c, Rows<T> rows, java.util.List<T> items) throws SQLException;

    /**
     * Work whose deletions must leave no readable trace in the database's files (an erasure): SQLite
     * overwrites what it frees while {@code work} runs and, after the commit, copies the log into the
     * file and empties it; PostgreSQL's deleted rows are unreadable through SQL and reclaimed by its
     * vacuum.
     */
    public abstract <T> T erasing(Database db, Database.SqlWork<T> work);

    static final class Sqlite extends Dialect {
        @Override
        public <T> T erasing(Database db, Database.SqlWork<T> work) {
            T result = db.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA secure_delete = ON");
                }
                try {
                    return work.run(c);
                } finally {
                    try (Statement st = c.createStatement()) {
                        st.execute("PRAGMA secure_delete = OFF"); // the pooled connection goes back as it was
                    }
                }
            });
            // A reader still on an old snapshot makes the checkpoint stop short ("busy"): try again a few times.
            for (int tries = 0; tries < 50; tries++) {
                boolean busy = db.inTransactionless(c -> {
                    try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                        return rs.next() && rs.getInt(1) != 0;
                    }
                });
                if (!busy) return result;
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            throw new IllegalStateException("the erasure is committed, but readers kept the database's log from being emptied: run it again");
        }

        @Override public String toString() { return "SQLITE"; }
        @Override String migrations() { return "classpath:db/migration/sqlite"; }
        @Override public int writers(int configured) { return 1; }
        @Override public boolean notifies() { return false; }
        @Override public String idIn(String select) { return "id IN (" + select + ")"; }
        @Override public String indexedBy(String index) { return " INDEXED BY " + index; }
        @Override public String skipLocked(String alias) { return ""; }
        @Override public String forUpdate() { return ""; }

        /** A UNION ALL of the SELECT once per key, each walking its own index range. */
        @Override
        public Sql eachKey(String perKey, java.util.List<Object> perKeyParams, java.util.List<String> keys,
                           java.util.List<Integer> caps) {
            java.util.List<String> order = new java.util.ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(":key|:cap|\\?").matcher(perKey);
            while (m.find()) order.add(m.group());
            String one = "SELECT id FROM (" + perKey.replace(":key", "?").replace(":cap", "?") + ")";
            java.util.List<Object> params = new java.util.ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                int other = 0;
                for (String slot : order) {
                    params.add(switch (slot) {
                        case ":key" -> keys.get(i);
                        case ":cap" -> caps.get(i);
                        default -> perKeyParams.get(other++);
                    });
                }
            }
            return new Sql(String.join(" UNION ALL ", Collections.nCopies(keys.size(), one)), params);
        }

        // WAL with synchronous=NORMAL: durable across process crashes, flushed by the next FULL commit.
        @Override
        void beginBookkeeping(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA synchronous = NORMAL");
            }
        }

        @Override
        void endBookkeeping(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA synchronous = FULL");
            }
        }

        @Override
        public <T> Rows.Result write(Connection c, Rows<T> rows, java.util.List<T> items) throws SQLException {
            return rows.batch(c, items);
        }
    }

    static final class Postgres extends Dialect {
        /** Its deletes may cross an outcome, a replay or an operator's delete of the same keys' lines. */
        @Override
        public <T> T erasing(Database db, Database.SqlWork<T> work) {
            return db.inTransactionRetryingDeadlocks(work);
        }

        @Override public String toString() { return "POSTGRES"; }
        @Override String migrations() { return "classpath:db/migration/postgresql"; }
        @Override public int writers(int configured) { return configured; }
        @Override public boolean notifies() { return true; }
        /** With {@code id IN (select)} PostgreSQL planned a hash join over a scan of the whole table (23 µs per claimed row at 50,000 rows; 9 µs as an array). */
        @Override public String idIn(String select) { return "id = ANY(ARRAY(" + select + "))"; }
        @Override public String indexedBy(String index) { return ""; }
        @Override public String skipLocked(String alias) { return " FOR UPDATE OF " + alias + " SKIP LOCKED"; }
        @Override public String forUpdate() { return " FOR UPDATE"; }

        /** One LATERAL subquery per key over arrays: a statement per key cost more than the work itself. */
        @Override
        public Sql eachKey(String perKey, java.util.List<Object> perKeyParams, java.util.List<String> keys,
                           java.util.List<Integer> caps) {
            String sql = "SELECT picked.id FROM unnest(?::text[], ?::int[]) AS s(key, cap) CROSS JOIN LATERAL ("
                    + perKey.replace(":key", "s.key").replace(":cap", "s.cap") + ") picked";
            java.util.List<Object> params = new java.util.ArrayList<>();
            params.add(new Sql.Array("text", keys.toArray()));
            params.add(new Sql.Array("int4", caps.toArray()));
            params.addAll(perKeyParams);
            return new Sql(sql, params);
        }

        @Override
        void beginBookkeeping(Connection c) throws SQLException {
            c.setAutoCommit(false); // SET LOCAL holds for the transaction it is run in
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL synchronous_commit TO OFF");
            }
        }

        @Override
        void endBookkeeping(Connection c) {
            // SET LOCAL ends with the transaction
        }

        /** One statement over arrays, one array per column: much cheaper for the server than one execution per row. */
        @Override
        public <T> Rows.Result write(Connection c, Rows<T> rows, java.util.List<T> items) throws SQLException {
            return rows.overArrays(c, items);
        }
    }
}

package herald.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Herald's own database: SQLite (WAL, synchronous=FULL) by default or PostgreSQL. Owns the pool,
 * runs the Flyway migrations of its dialect, and gives transactions to the stores.
 */
public final class Database implements AutoCloseable {
    private final Dialect dialect;
    private final HikariDataSource pool;
    /**
     * SQLite allows one writer at a time. Herald's writers (ingest, claims, outcomes) queue here, in
     * order, instead of in SQLite's busy handler, which sleeps 1, 2, 5, 10… ms between tries and
     * left the write lock idle between transactions.
     */
    private final ReentrantLock sqliteWriter = new ReentrantLock(true);
    private boolean migratedAtOpen;

    private Database(Dialect dialect, HikariDataSource pool) {
        this.dialect = dialect;
        this.pool = pool;
    }

    /** The last check of whether PostgreSQL answers (see {@link #answers}), when it began, and the last answer had. */
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Boolean>> answering =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile long answeringSince;
    private volatile boolean answered = true;

    /**
     * Whether the database answers, for {@code /health}: a node that lost its way to PostgreSQL
     * cannot take events, and its balancer should send them elsewhere. One check at a time, begun
     * at most once a second; a check not done within 250 ms leaves the last answer standing (while
     * PostgreSQL is away a check waits out the pool's 10 s, and a probe must not). SQLite, a file of
     * this process's own, always answers.
     */
    public boolean answers() {
        if (dialect == Dialect.SQLITE) return true;
        var check = answering.get();
        long now = System.currentTimeMillis();
        if (check == null || (check.isDone() && now - answeringSince > 1_000)) {
            var next = new java.util.concurrent.CompletableFuture<Boolean>();
            if (answering.compareAndSet(check, next)) {
                answeringSince = now;
                Thread.ofVirtual().name("database-check").start(() -> {
                    boolean ok;
                    try (Connection c = pool.getConnection()) {
                        ok = c.isValid(2);
                    } catch (SQLException | RuntimeException e) {
                        ok = false;
                    }
                    answered = ok;
                    next.complete(ok);
                });
            }
            check = answering.get();
        }
        try {
            return check.get(250, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return answered;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return answered;
        }
    }

    public static Database open(String url, String user, String password) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("herald");
        Dialect dialect;
        if (url.startsWith("jdbc:sqlite:")) {
            dialect = Dialect.SQLITE;
            createParentDir(url.substring("jdbc:sqlite:".length()));
            SQLiteConfig sc = new SQLiteConfig();
            sc.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sc.setSynchronous(SQLiteConfig.SynchronousMode.FULL); // an acknowledged event survives power loss
            sc.setBusyTimeout(30_000);
            sc.enforceForeignKeys(true);
            // Writers take the lock at BEGIN, so two writers queue on busy_timeout instead of deadlocking.
            sc.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            SQLiteDataSource ds = new SQLiteDataSource(sc);
            ds.setUrl(url);
            hc.setDataSource(ds);
            hc.setMaximumPoolSize(8);
        } else if (url.startsWith("jdbc:postgresql:")) {
            dialect = Dialect.POSTGRES;
            hc.setJdbcUrl(url);
            if (user != null && !user.isEmpty()) hc.setUsername(user);
            if (password != null && !password.isEmpty()) hc.setPassword(password);
            hc.setMaximumPoolSize(16);
        } else {
            throw new IllegalArgumentException("unsupported database URL (jdbc:sqlite: or jdbc:postgresql:)");
        }
        // While the database is down a request waits this long for a connection, then answers 503.
        hc.setConnectionTimeout(10_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (com.zaxxer.hikari.pool.HikariPool.PoolInitializationException e) {
            throw new Unreachable(herald.text.Words.rootMessage(e), e);
        }
        Database db = new Database(dialect, pool);
        try {
            db.migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return db;
    }

    /** The database could not be reached or opened when Herald started (down, a wrong address, no such database). */
    public static final class Unreachable extends RuntimeException {
        Unreachable(String why, Throwable cause) {
            super(why, cause);
        }
    }

    /** The schema was migrated by a newer Herald than this one: this build does not know its tables. */
    public static final class NewerSchema extends RuntimeException {
        NewerSchema(int found) {
            super("this database's schema is version " + found + ", from a newer Herald; this build knows up to " + SCHEMA_VERSION
                    + " (start the newer build, or upgrade this one: every node of one database runs one version)");
        }
    }

    private static void createParentDir(String path) {
        int q = path.indexOf('?');
        if (q >= 0) path = path.substring(0, q);
        if (path.isEmpty() || path.startsWith(":memory:") || path.startsWith("file:")) return;
        Path parent = Path.of(path).toAbsolutePath().getParent();
        try {
            if (parent != null) Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create database directory " + parent + ": " + e.getMessage(), e);
        }
    }

    /** The newest migration this build has, the same in both dialects ({@code V<n>__….sql}; DatabaseOpenTest checks the files). */
    static final int SCHEMA_VERSION = 12;

    private void migrate() {
        // Flyway scans the jar's entries and validates every applied migration on each start, a
        // sixth of a start on an existing data directory: skipped when the schema is this build's.
        if (schemaIsCurrent()) return;
        Flyway.configure().dataSource(pool).locations(dialect.migrations()).load().migrate();
        migratedAtOpen = true;
    }

    /** Every migration up to this build's newest applied and none failed; false for a new database. */
    private boolean schemaIsCurrent() {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history")) {
            int newest = 0;
            while (rs.next()) {
                if (!rs.getBoolean(2)) return false; // Flyway says what failed, and refuses to go on
                String version = rs.getString(1);
                if (version != null) newest = Math.max(newest, Integer.parseInt(version));
            }
            if (newest > SCHEMA_VERSION) throw new NewerSchema(newest); // Flyway only warns, and this build would run on tables it does not know
            return newest == SCHEMA_VERSION;
        } catch (SQLException | NumberFormatException noHistoryOrAnother) {
            return false; // Flyway reads it, and creates or upgrades the schema
        }
    }

    /** Whether opening ran Flyway (a new database, an upgrade), not only found the schema current. */
    boolean migratedAtOpen() {
        return migratedAtOpen;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(SqlWork<T> work) {
        return transaction(work, false);
    }

    /**
     * Like {@link #inTransaction}, for work that PostgreSQL may end as a deadlock's victim because
     * it takes delivery rows and their keys' line tails in the other order from a concurrent
     * outcome or delete (a replay, an erasure): it runs again from the start, up to three times in
     * all, rather than fail with a 503. The work must be database work only, safe to run again.
     * Each new run waits a moment first (a random 25–100 ms, more for the third): run at once, it
     * could take the rows back before the other transaction, which was waiting for them, got them,
     * and meet it again in the same cycle (ErasureTest saw three deadlocks in a row).
     */
    public <T> T inTransactionRetryingDeadlocks(SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(work);
            } catch (StoreException e) {
                if (!e.isDeadlock() || attempt == 3) throw e;
                try {
                    Thread.sleep(attempt * java.util.concurrent.ThreadLocalRandom.current().nextLong(25, 101));
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Like {@link #inTransaction}, for delivery bookkeeping (claims, outcomes, attempts): the commit
     * does not wait for the disk flush. A crash of Herald's process loses none of it; a crash of the
     * machine (or of PostgreSQL) can lose the last moments of it, which at worst sends a delivery
     * again with the same {@code webhook-id}. Acknowledged events never go through here.
     */
    public <T> T inBookkeepingTransaction(SqlWork<T> work) {
        return transaction(work, true);
    }

    private <T> T transaction(SqlWork<T> work, boolean bookkeeping) {
        lockWriter();
        try (Connection c = pool.getConnection()) {
            if (bookkeeping) dialect.beginBookkeeping(c);
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                endTransaction(c, bookkeeping);
                return result;
            } catch (Throwable t) {
                try {
                    c.rollback();
                    endTransaction(c, bookkeeping);
                } catch (SQLException cleanupFailed) {
                    // SQLite ends a transaction itself on some errors (a full disk), so the rollback
                    // fails and the connection's state may differ from the driver's: statements would
                    // run outside any transaction, or an event commit would not flush. Never reused.
                    t.addSuppressed(cleanupFailed);
                    pool.evictConnection(c);
                }
                throw t;
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        } finally {
            unlockWriter();
        }
    }

    private void lockWriter() {
        if (dialect.singleWriter()) sqliteWriter.lock();
    }

    private void unlockWriter() {
        if (dialect.singleWriter()) sqliteWriter.unlock();
    }

    /** Back to autocommit, and to flushed commits after bookkeeping, before the pool hands the connection out again. */
    private void endTransaction(Connection c, boolean bookkeeping) throws SQLException {
        c.setAutoCommit(true);
        if (bookkeeping) dialect.endBookkeeping(c);
    }

    /** Runs {@code work} in autocommit mode holding the write lock (SQLite statements that may not run in a transaction). */
    <T> T inTransactionless(SqlWork<T> work) {
        lockWriter();
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(e);
        } finally {
            unlockWriter();
        }
    }

    /** Runs read-only work on a connection in autocommit mode. */
    public <T> T read(SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}

package herald.bench;

import herald.app.Herald;
import herald.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** The store each side of the ingest benchmark writes to: a fresh SQLite file or PostgreSQL database. */
final class IngestStore {
    private IngestStore() {}

    /** A fresh database for one measurement: a new directory (SQLite) or a new PostgreSQL database. */
    static final class Store implements AutoCloseable {
        final String backend;
        final Path dir;
        final String url;
        final String pgDatabase;
        final IngestOptions opt;
        private final SQLiteDataSource sqlite;

        private Store(String backend, Path dir, String url, String pgDatabase, IngestOptions opt) {
            this.backend = backend;
            this.dir = dir;
            this.url = url;
            this.pgDatabase = pgDatabase;
            this.opt = opt;
            if (backend.equals("sqlite")) {
                // The pragmas Herald's Database sets: WAL, synchronous=FULL, busy_timeout, foreign keys, BEGIN IMMEDIATE.
                SQLiteConfig sc = new SQLiteConfig();
                sc.setJournalMode(SQLiteConfig.JournalMode.WAL);
                sc.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
                sc.setBusyTimeout(30_000);
                sc.enforceForeignKeys(true);
                sc.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
                sqlite = new SQLiteDataSource(sc);
                sqlite.setUrl(url);
            } else {
                sqlite = null;
            }
        }

        static Store fresh(String backend, IngestOptions opt, String side) throws Exception {
            Files.createDirectories(opt.workDir);
            Path dir = Files.createTempDirectory(opt.workDir, "herald-bench-" + side + "-");
            if (backend.equals("sqlite")) {
                return new Store(backend, dir, "jdbc:sqlite:" + dir.resolve(side.equals("raw") ? "raw.db" : "herald.db"),
                        null, opt);
            }
            String db = "herald_bench_" + HexFormat.of().formatHex(IngestBenchmark.randomBytes(6));
            try (Connection c = DriverManager.getConnection(IngestBenchmark.pgUrl(opt, "postgres")); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + db);
            }
            return new Store(backend, dir, IngestBenchmark.pgUrl(opt, db), db, opt);
        }

        /** Transactions committed in this database (all of them: warm-up, migrations, Herald's own work). */
        String pgCommits(long events) throws SQLException {
            try (Connection c = DriverManager.getConnection(IngestBenchmark.pgUrl(opt, "postgres"));
                 PreparedStatement ps = c.prepareStatement("SELECT xact_commit FROM pg_stat_database WHERE datname = ?")) {
                ps.setString(1, pgDatabase);
                try (ResultSet rs = ps.executeQuery()) {
                    long commits = rs.next() ? rs.getLong(1) : 0;
                    return String.format(Locale.ROOT, "pg_stat_database: %,d commits for %,d events in the whole run (%.1f events per commit)",
                            commits, events, events / (double) Math.max(1, commits));
                }
            }
        }

        Connection connect() throws SQLException {
            return sqlite != null ? sqlite.getConnection() : DriverManager.getConnection(url);
        }

        @Override
        public void close() throws Exception {
            if (pgDatabase != null) {
                try (Connection c = DriverManager.getConnection(IngestBenchmark.pgUrl(opt, "postgres")); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + pgDatabase + " WITH (FORCE)");
                }
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }
}

package herald.bench;

import herald.app.Herald;
import herald.config.HeraldConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Moodle tail benchmark: how long after a Moodle log row commits its event is stored in Herald, and
 * how many rows per second one source reads.
 *
 * <p>(1) Lag: a writer inserts course_viewed rows into a real {@code mdl_logstore_standard_log} at a
 * steady rate (default 1,000 rows/s, as 100 transactions of 10 rows, like Moodle's buffered
 * writes at the end of requests) and notes when each row's transaction committed. An observer reads
 * Herald's {@code events} table every millisecond or two and notes when each event became visible.
 * Lag = visible - committed, for every row of the measured window.
 *
 * <p>(2) Throughput: with the source disabled, a backlog is inserted; the source is enabled and the
 * time until the last event is visible gives the rows/s one source sustains.
 */
public final class MoodleTailBenchmark {
    private static final String KEY = "bench-admin-key-0123456789";

    record Options(List<String> moodles, List<String> heralds, int rate, int seconds, int pollMs, int backlog, Path workDir) {
        static Options parse(String[] args) {
            List<String> moodles = List.of("mariadb", "postgres");
            List<String> heralds = List.of("sqlite");
            int rate = 1000, seconds = 30, poll = 1000, backlog = 200_000;
            Path work = Path.of("bench/target/moodle-tail-work");
            for (int i = 0; i < args.length; i++) {
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--moodle" -> { moodles = List.of(v.split(",")); i++; }
                    case "--herald" -> { heralds = List.of(v.split(",")); i++; }
                    case "--rate" -> { rate = Integer.parseInt(v); i++; }
                    case "--seconds" -> { seconds = Integer.parseInt(v); i++; }
                    case "--poll-ms" -> { poll = Integer.parseInt(v); i++; }
                    case "--backlog" -> { backlog = Integer.parseInt(v); i++; }
                    case "--work-dir" -> { work = Path.of(v); i++; }
                    default -> {
                        System.err.println("usage: MoodleTailBenchmark [--moodle mariadb,postgres] [--herald sqlite,postgres]"
                                + " [--rate rows/s] [--seconds n] [--poll-ms n] [--backlog rows] [--work-dir dir]");
                        System.exit(2);
                    }
                }
            }
            return new Options(moodles, heralds, rate, seconds, poll, backlog, work);
        }
    }

    public static void main(String[] args) throws Exception {
        Options opt = Options.parse(args);
        System.out.printf(Locale.ROOT, "herald moodle tail benchmark java=%s cpus=%d rate=%d rows/s for %d s, poll %d ms,"
                        + " backlog %,d rows%n", System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                opt.rate, opt.seconds, opt.pollMs, opt.backlog);
        List<String> summary = new ArrayList<>();
        for (String moodle : opt.moodles) {
            for (String herald : opt.heralds) summary.add(run(opt, moodle, herald));
        }
        System.out.println("== summary");
        summary.forEach(System.out::println);
        System.exit(0);
    }

    private static String run(Options opt, String moodle, String heraldDb) throws Exception {
        String name = "moodle_bench_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        String server = moodle.equals("mariadb") ? "jdbc:mariadb://127.0.0.1:3306/" : "jdbc:postgresql://127.0.0.1:5432/";
        String user = moodle.equals("mariadb") ? "root" : "postgres";
        String heraldPg = heraldDb.equals("postgres") ? "herald_bench_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL) : null;
        admin(server, user, "CREATE DATABASE " + name);
        if (heraldPg != null) admin("jdbc:postgresql://127.0.0.1:5432/", "postgres", "CREATE DATABASE " + heraldPg);
        Path data = opt.workDir.resolve(name);
        Files.createDirectories(data);
        String moodleUrl = server + name;
        try (Connection m = DriverManager.getConnection(moodleUrl + "?user=" + user)) {
            try (Statement s = m.createStatement()) {
                s.execute(moodle.equals("mariadb") ? MARIADB_DDL : POSTGRES_DDL);
            }
            Map<String, String> env = new HashMap<>();
            env.put("HERALD_HTTP_PORT", "0");
            env.put("HERALD_DATA_DIR", data.toString());
            env.put("HERALD_ADMIN_KEY", KEY);
            if (heraldPg != null) env.put("HERALD_DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/" + heraldPg + "?user=postgres");
            try (Herald herald = Herald.start(HeraldConfig.fromMap(env)); Connection observe = openHerald(env, data)) {
                String label = "moodle=" + moodle + " herald=" + heraldDb;
                System.out.println("== " + label);
                String source = api(herald, "POST", "/api/v1/sources", "{\"name\":\"bench\",\"jdbc_url\":\"" + moodleUrl
                        + "\",\"user\":\"" + user + "\",\"start\":\"beginning\",\"poll_ms\":" + opt.pollMs + "}");
                String id = source.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");

                Observer observer = new Observer(observe, id);
                Thread obs = Thread.ofPlatform().name("observer").start(observer);
                String lag = lagPhase(opt, m, observer, moodle + " → herald " + heraldDb);
                String throughput = throughputPhase(opt, herald, m, id, observer, moodle + " → herald " + heraldDb);
                observer.stop.set(true);
                obs.join();
                return label + ": " + lag + "; " + throughput;
            }
        } finally {
            admin(server, user, moodle.equals("mariadb") ? "DROP DATABASE IF EXISTS " + name : "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            if (heraldPg != null) admin("jdbc:postgresql://127.0.0.1:5432/", "postgres", "DROP DATABASE IF EXISTS " + heraldPg + " WITH (FORCE)");
        }
    }

    private static Connection openHerald(Map<String, String> env, Path data) throws SQLException {
        String url = env.getOrDefault("HERALD_DATABASE_URL", "jdbc:sqlite:" + data.resolve("herald.db"));
        return DriverManager.getConnection(url);
    }

    /** Rows at a steady rate for the measured time; the lag of every row committed after a 3 s warm-up. */
    private static String lagPhase(Options opt, Connection m, Observer observer, String backend) throws Exception {
        int perTx = 10;
        long intervalNanos = 1_000_000_000L * perTx / opt.rate;
        Map<Long, Long> committed = new HashMap<>();
        m.setAutoCommit(false);
        long start = System.nanoTime();
        long warmEnd = start + 3_000_000_000L;
        long end = warmEnd + opt.seconds * 1_000_000_000L;
        long next = start;
        CpuSample cpu0 = null;
        List<Long> measured = new ArrayList<>();
        try (PreparedStatement ps = m.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
            while (true) {
                long now = System.nanoTime();
                if (now >= end) break;
                if (cpu0 == null && now >= warmEnd) cpu0 = CpuSample.now();
                if (now < next) {
                    LockSupport.parkNanos(next - now);
                    continue;
                }
                next += intervalNanos;
                long[] ids = new long[perTx];
                for (int i = 0; i < perTx; i++) ids[i] = insert(ps);
                m.commit();
                long at = System.nanoTime();
                for (long id : ids) {
                    committed.put(id, at);
                    if (at >= warmEnd) measured.add(id);
                }
            }
        }
        CpuSample cpu1 = CpuSample.now();
        m.setAutoCommit(true);
        long lastId = measured.get(measured.size() - 1);
        long waitUntil = System.nanoTime() + 60_000_000_000L;
        while (!observer.seen.containsKey(lastId) && System.nanoTime() < waitUntil) LockSupport.parkNanos(1_000_000);
        long[] lags = new long[measured.size()];
        int n = 0;
        for (long id : measured) {
            Long seen = observer.seen.get(id);
            if (seen == null) throw new IllegalStateException("log id " + id + " never arrived");
            lags[n++] = seen - committed.get(id);
        }
        Arrays.sort(lags);
        double seconds = opt.seconds;
        String cpu = cpu1.describe(cpu0);
        String result = String.format(Locale.ROOT, "lag at %,.0f rows/s over %d s (%,d rows): p50 %.0f ms, p99 %.0f ms, max %.0f ms"
                        + " (observer granularity ~%.1f ms; %s)", measured.size() / seconds, opt.seconds, measured.size(),
                pct(lags, 0.50), pct(lags, 0.99), lags[lags.length - 1] / 1e6, observer.meanCycleMillis(), cpu);
        System.out.println("   " + result);
        double p99 = pct(lags, 0.99);
        Summary.valueAtMost(String.format(Locale.ROOT, "moodle tail lag p99 at %,d rows/s", opt.rate), backend, p99,
                String.format(Locale.ROOT, "%.0f ms", p99), "poll " + opt.pollMs + " ms", p99 / opt.pollMs, opt.pollMs + 50, "ms");
        return result;
    }

    /** A backlog read from scratch: the rows/s one source sustains with full batches back to back. */
    private static String throughputPhase(Options opt, Herald herald, Connection m, String id, Observer observer, String backend)
            throws Exception {
        api(herald, "POST", "/api/v1/sources/" + id + "/disable", null);
        long lastId = 0;
        m.setAutoCommit(false);
        try (PreparedStatement ps = m.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < opt.backlog; i++) {
                lastId = insert(ps);
                if (i % 1000 == 999) m.commit();
            }
            m.commit();
        }
        m.setAutoCommit(true);
        CpuSample cpu0 = CpuSample.now();
        long start = System.nanoTime();
        api(herald, "POST", "/api/v1/sources/" + id + "/enable", null);
        long waitUntil = start + 600_000_000_000L;
        while (!observer.seen.containsKey(lastId) && System.nanoTime() < waitUntil) LockSupport.parkNanos(1_000_000);
        Long seen = observer.seen.get(lastId);
        if (seen == null) throw new IllegalStateException("the backlog was not read within 10 minutes");
        double secs = (seen - start) / 1e9;
        String result = String.format(Locale.ROOT, "backlog of %,d rows read in %.1f s: %,.0f rows/s (%s)", opt.backlog, secs,
                opt.backlog / secs, CpuSample.now().describe(cpu0));
        System.out.println("   " + result);
        Summary.line(String.format(Locale.ROOT, "moodle backlog read, %,d rows", opt.backlog), backend,
                Summary.perSecond(opt.backlog / secs, "rows"), "-", "-", "-", "-");
        return result;
    }

    private static long insert(PreparedStatement ps) throws SQLException {
        ps.setString(1, "\\core\\event\\course_viewed");
        ps.setLong(2, System.currentTimeMillis() / 1000);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
            keys.next();
            return keys.getLong(1);
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** Polls Herald's events table and notes when each log id's event became visible. */
    static final class Observer implements Runnable {
        final Map<Long, Long> seen = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        private final Connection c;
        private final String prefix;
        private long cycles;
        private long firstCycle;
        private volatile long lastCycle;

        Observer(Connection c, String sourceId) {
            this.c = c;
            this.prefix = sourceId + "-";
        }

        double meanCycleMillis() {
            return cycles == 0 ? 0 : (lastCycle - firstCycle) / 1e6 / cycles;
        }

        @Override
        public void run() {
            long afterSeq = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, id FROM events WHERE seq > ? ORDER BY seq")) {
                firstCycle = System.nanoTime();
                while (!stop.get()) {
                    ps.setLong(1, afterSeq);
                    try (ResultSet rs = ps.executeQuery()) {
                        long now = System.nanoTime();
                        while (rs.next()) {
                            afterSeq = rs.getLong(1);
                            String id = rs.getString(2);
                            if (id.startsWith(prefix)) seen.putIfAbsent(Long.parseLong(id.substring(prefix.length())), now);
                        }
                    }
                    cycles++;
                    lastCycle = System.nanoTime();
                    LockSupport.parkNanos(1_000_000);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String api(Herald herald, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + herald.port() + path))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        return r.body();
    }

    private static void admin(String server, String user, String sql) throws SQLException {
        String db = server.contains("postgresql") ? "postgres" : "";
        try (Connection c = DriverManager.getConnection(server + db + "?user=" + user); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Machine CPU, this JVM's and the databases' (postgres, mariadbd), to tell what else loaded the machine. */
    record CpuSample(MachineCpu.CpuSample machine, long dbTicks) {
        static CpuSample now() {
            return new CpuSample(MachineCpu.CpuSample.now(), readDbTicks());
        }

        String describe(CpuSample before) {
            long total = machine.totalTicks() - before.machine.totalTicks();
            double db = total == 0 ? 0 : (double) (dbTicks - before.dbTicks) / total;
            // Elapsed time from the machine's ticks (USER_HZ = 100 per core and second).
            long wall = (long) (total / 100.0 / Runtime.getRuntime().availableProcessors() * 1e9);
            double busy = machine.machineBusy(before.machine);
            double jvm = wall == 0 ? 0 : machine.processBusy(before.machine, wall);
            return String.format(Locale.ROOT, "CPU of %d cores: machine %.0f%%, Herald+writer JVM %.0f%%, databases %.0f%%,"
                    + " other processes %.0f%%", Runtime.getRuntime().availableProcessors(), busy * 100, jvm * 100, db * 100,
                    Math.max(0, busy - jvm - db) * 100);
        }

        private static long readDbTicks() {
            return ProcCpu.ticks((pid, name) -> name.equals("postgres") || name.equals("mariadbd"));
        }
    }

    private static final String INSERT = "INSERT INTO mdl_logstore_standard_log (eventname, component, action, target,"
            + " objecttable, objectid, crud, edulevel, contextid, contextlevel, contextinstanceid, userid, courseid,"
            + " relateduserid, anonymous, other, timecreated, origin, ip, realuserid) VALUES (?,"
            + " 'core', 'viewed', 'course', NULL, NULL, 'r', 2, 30, 50, 4, 5, 4, NULL, 0, '{\"coursesection\":1}', ?, 'web',"
            + " '127.0.0.1', NULL)";

    /** Moodle 4.3's log table (the fixtures' DDL, without its secondary indexes' names changed). */
    private static final String MARIADB_DDL = """
            CREATE TABLE mdl_logstore_standard_log (
              id BIGINT(10) NOT NULL AUTO_INCREMENT, eventname VARCHAR(255) NOT NULL DEFAULT '',
              component VARCHAR(100) NOT NULL DEFAULT '', action VARCHAR(100) NOT NULL DEFAULT '',
              target VARCHAR(100) NOT NULL DEFAULT '', objecttable VARCHAR(50) DEFAULT NULL, objectid BIGINT(10) DEFAULT NULL,
              crud VARCHAR(1) NOT NULL DEFAULT '', edulevel TINYINT(1) NOT NULL, contextid BIGINT(10) NOT NULL,
              contextlevel BIGINT(10) NOT NULL, contextinstanceid BIGINT(10) NOT NULL, userid BIGINT(10) NOT NULL,
              courseid BIGINT(10) DEFAULT NULL, relateduserid BIGINT(10) DEFAULT NULL, anonymous TINYINT(1) NOT NULL DEFAULT 0,
              other LONGTEXT, timecreated BIGINT(10) NOT NULL, origin VARCHAR(10) DEFAULT NULL, ip VARCHAR(45) DEFAULT NULL,
              realuserid BIGINT(10) DEFAULT NULL, PRIMARY KEY (id), KEY mdl_logsstanlog_tim_ix (timecreated),
              KEY mdl_logsstanlog_couanotim_ix (courseid, anonymous, timecreated),
              KEY mdl_logsstanlog_useconconcr_ix (userid, contextlevel, contextinstanceid, crud, edulevel, timecreated),
              KEY mdl_logsstanlog_con_ix (contextid), KEY mdl_logsstanlog_use_ix (userid), KEY mdl_logsstanlog_cou_ix (courseid),
              KEY mdl_logsstanlog_rea_ix (realuserid), KEY mdl_logsstanlog_rel_ix (relateduserid)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ROW_FORMAT=COMPRESSED""";

    private static final String POSTGRES_DDL = """
            CREATE TABLE mdl_logstore_standard_log (
              id BIGSERIAL PRIMARY KEY, eventname VARCHAR(255) NOT NULL DEFAULT '', component VARCHAR(100) NOT NULL DEFAULT '',
              action VARCHAR(100) NOT NULL DEFAULT '', target VARCHAR(100) NOT NULL DEFAULT '', objecttable VARCHAR(50),
              objectid BIGINT, crud VARCHAR(1) NOT NULL DEFAULT '', edulevel SMALLINT NOT NULL, contextid BIGINT NOT NULL,
              contextlevel BIGINT NOT NULL, contextinstanceid BIGINT NOT NULL, userid BIGINT NOT NULL, courseid BIGINT,
              relateduserid BIGINT, anonymous SMALLINT NOT NULL DEFAULT 0, other TEXT, timecreated BIGINT NOT NULL,
              origin VARCHAR(10), ip VARCHAR(45), realuserid BIGINT);
            CREATE INDEX mdl_logsstanlog_tim_ix ON mdl_logstore_standard_log (timecreated);
            CREATE INDEX mdl_logsstanlog_couanotim_ix ON mdl_logstore_standard_log (courseid, anonymous, timecreated);
            CREATE INDEX mdl_logsstanlog_useconconcr_ix ON mdl_logstore_standard_log (userid, contextlevel, contextinstanceid, crud, edulevel, timecreated);
            CREATE INDEX mdl_logsstanlog_con_ix ON mdl_logstore_standard_log (contextid);
            CREATE INDEX mdl_logsstanlog_use_ix ON mdl_logstore_standard_log (userid);
            CREATE INDEX mdl_logsstanlog_cou_ix ON mdl_logstore_standard_log (courseid);
            CREATE INDEX mdl_logsstanlog_rea_ix ON mdl_logstore_standard_log (realuserid);
            CREATE INDEX mdl_logsstanlog_rel_ix ON mdl_logstore_standard_log (relateduserid)""";
}

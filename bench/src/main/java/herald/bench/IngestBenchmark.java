package herald.bench;

import herald.app.Herald;
import herald.config.HeraldConfig;
import herald.store.Database;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ingest benchmark: Herald's {@code POST /api/v1/events} against a raw JDBC reference that writes the
 * same rows into a table with the same schema as Herald's {@code events} table, on the same backend,
 * in the same run.
 *
 * <ul>
 *   <li>(a) {@code single}: one event per request from {@code --clients} concurrent clients, each
 *       waiting for the 202, vs the same number of threads doing autocommit single-row INSERTs, each on
 *       its own connection.</li>
 *   <li>(b) {@code batch}: {@code --batch-size} events per request from {@code --batch-senders}
 *       concurrent senders, vs the same number of threads each inserting {@code --batch-size} rows with
 *       addBatch/executeBatch in one transaction.</li>
 * </ul>
 *
 * Every measurement (backend × case × herald/raw) gets a fresh SQLite file or a fresh PostgreSQL
 * database ({@code herald_bench_<random>}, dropped afterwards), a warm-up, then a fixed event count.
 * Only 127.0.0.1 is ever contacted.
 */
public final class IngestBenchmark {

    /** One row of Herald's events table, as Herald would store it (received_at is set at insert). */
    record Row(String id, String type, String source, String courseId, String userId, long occurredAt, String body) {}

    /** A timed phase: how many events, how long, and what the machine did meanwhile. */
    record Measurement(long events, long units, long nanos, long[] unitLatencyNanos, double machineCpu,
                       double processCpu, double postgresCpu, String threadCpu, boolean poolExhausted, long firstUnit) {
        /** Rows in the table after warm-up and this phase. */
        long totalEventsStored(int perUnit) {
            return (firstUnit + units) * perUnit;
        }

        double eventsPerSecond() {
            return events / (nanos / 1e9);
        }

        double seconds() {
            return nanos / 1e9;
        }

        /** CPU used by everything else on the machine (other processes, the kernel's own threads). */
        double otherCpu() {
            return Math.max(0, machineCpu - processCpu - postgresCpu);
        }

        long latencyMicros(double q) {
            long[] s = unitLatencyNanos.clone();
            Arrays.sort(s);
            if (s.length == 0) return 0;
            return s[Math.min(s.length - 1, (int) Math.ceil(q * s.length) - 1)] / 1000;
        }
    }

    record Result(String backend, String caseName, double target, Measurement herald, Measurement raw) {
        double ratio() {
            return herald.eventsPerSecond() / raw.eventsPerSecond();
        }
    }

    /** One client or writer thread's own state (connection, statement); used by one thread only. */
    interface Worker extends AutoCloseable {
        void run(int unit) throws Exception;

        @Override
        default void close() throws Exception {}
    }

    interface WorkerFactory {
        Worker open() throws Exception;
    }

    // ---------------------------------------------------------------- main

    private final IngestOptions opt;
    private final String runTag = HexFormat.of().formatHex(randomBytes(4));

    private IngestBenchmark(IngestOptions opt) {
        this.opt = opt;
    }

    public static void main(String[] args) throws Exception {
        IngestOptions opt = IngestOptions.parse(args);
        new IngestBenchmark(opt).runAll();
        System.exit(0); // HTTP client and Herald leave no non-daemon threads we need
    }

    private void runAll() throws Exception {
        System.out.printf(Locale.ROOT, "herald ingest benchmark run=%s java=%s cpus=%d%n", runTag,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "(a) single: %d clients, one event per request / per autocommit INSERT; pool %,d events%n",
                opt.clients, opt.singlePool);
        System.out.printf(Locale.ROOT, "(b) batch: %d senders, %d events per request / per transaction; pool %,d events%n",
                opt.batchSenders, opt.batchSize, opt.batchPool);
        System.out.printf(Locale.ROOT, "each side: warm-up %.0f s, then measured %.0f s (or until the pool runs out)%n",
                opt.warmupSeconds, opt.seconds);
        System.out.printf(Locale.ROOT, "http client: %s on %s threads; raw JDBC on platform threads; work dir: %s%n",
                opt.httpClient, opt.virtualClients ? "virtual" : "platform", opt.workDir);
        List<Result> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String backend : opt.backends) {
            if (backend.equals("postgres")) {
                String why = postgresUnreachable();
                if (why != null) {
                    String msg = "SKIPPED postgres: not reachable at " + opt.pgHost + ":" + opt.pgPort + " (" + why + ")";
                    if (!opt.pgOptional) throw new IllegalStateException(msg);
                    System.out.println(msg);
                    skipped.add(msg);
                    continue;
                }
                System.out.println("postgres: " + postgresVersion());
            }
            for (String c : opt.cases) results.add(runCase(backend, c));
        }
        printResults(results, skipped);
    }

    private Result runCase(String backend, String caseName) throws Exception {
        boolean single = caseName.equals("single");
        int perUnit = single ? 1 : opt.batchSize;
        int threads = single ? opt.clients : opt.batchSenders;
        IngestWorkload w = IngestWorkload.make(runTag + "-" + backend + "-" + caseName, single ? opt.singlePool : opt.batchPool, perUnit);
        Measurement raw = null;
        Measurement herald = null;
        for (String side : opt.sides) {
            System.out.printf(Locale.ROOT, "-- %s %s %s: %d threads, %d events per unit%n", backend, caseName, side,
                    threads, perUnit);
            Measurement m = side.equals("raw") ? runRaw(backend, w, single, threads) : runHerald(backend, w, threads);
            System.out.printf(Locale.ROOT, "   %,.0f events/s  (%,d events in %.1f s, unit latency p50 %.1f ms, p99 %.1f ms, "
                            + "CPU of %d cores: machine %.0f%%, this JVM %.0f%%, postgres %.0f%%, other %.0f%%)%n",
                    m.eventsPerSecond(), m.events(), m.seconds(), m.latencyMicros(0.5) / 1000.0, m.latencyMicros(0.99) / 1000.0,
                    Runtime.getRuntime().availableProcessors(), m.machineCpu() * 100, m.processCpu() * 100, m.postgresCpu() * 100,
                    m.otherCpu() * 100);
            if (m.otherCpu() > OTHER_CPU_WARN) {
                System.out.printf(Locale.ROOT, "   WARNING: other processes or kernel threads used %.0f%% of the machine during this measurement%n",
                        m.otherCpu() * 100);
            }
            System.out.println("   CPU by thread group (core-seconds per measured second): " + m.threadCpu());
            if (m.poolExhausted()) System.out.println("   note: the event pool ran out before the measuring time was up");
            if (side.equals("raw")) raw = m;
            else herald = m;
        }
        return new Result(backend, caseName, single ? 1.0 : 0.5, herald, raw);
    }

    // ---------------------------------------------------------------- workload

    // ---------------------------------------------------------------- running phases

    /**
     * Runs units from {@code from} on one thread per worker until {@code seconds} have passed (units
     * under way then are finished and counted) or the pool ends. Each unit is timed.
     */
    private static Measurement phase(List<Worker> workers, int from, int to, int perUnit, double seconds, boolean virtual)
            throws Exception {
        AtomicInteger next = new AtomicInteger(from);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] lat = new long[to - from];
        java.util.concurrent.atomic.AtomicLong workerCpu = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> threads = new ArrayList<>();
        MachineCpu.ThreadCpu threadCpu0 = MachineCpu.ThreadCpu.now();
        MachineCpu.CpuSample cpu0 = MachineCpu.CpuSample.now();
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (seconds * 1e9);
        int n = 0;
        for (Worker w : workers) {
            Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform();
            threads.add(builder.name("bench-worker-" + n++).start(() -> {
                int i;
                try {
                    while (!stop.get() && System.nanoTime() < deadline && (i = next.getAndIncrement()) < to) {
                        long s = System.nanoTime();
                        w.run(i);
                        lat[i - from] = System.nanoTime() - s;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stop.set(true);
                } finally {
                    // counted here: a thread that has ended is no longer listed by the ThreadMXBean
                    // (a virtual thread's CPU shows in its carrier's instead)
                    if (!virtual) workerCpu.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                }
            }));
        }
        for (Thread t : threads) t.join();
        long nanos = System.nanoTime() - t0;
        MachineCpu.CpuSample cpu1 = MachineCpu.CpuSample.now();
        String byThread = MachineCpu.ThreadCpu.now().since(threadCpu0, nanos, workerCpu.get());
        if (failure.get() != null) throw new IllegalStateException("benchmark unit failed: " + failure.get(), failure.get());
        int done = Math.min(next.get(), to) - from;
        return new Measurement((long) done * perUnit, done, nanos, Arrays.copyOf(lat, done), cpu1.machineBusy(cpu0),
                cpu1.processBusy(cpu0, nanos), cpu1.postgresBusy(cpu0), byThread, next.get() >= to, from);
    }

    /** Warm-up from the start of the pool, then the measured phase continues with the next events. */
    private Measurement warmThenMeasure(WorkerFactory f, int threads, IngestWorkload w, boolean virtual) throws Exception {
        settle();
        List<Worker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) workers.add(f.open());
            Measurement warm = phase(workers, 0, w.units(), w.perUnit(), opt.warmupSeconds, virtual);
            System.out.printf(Locale.ROOT, "   warm-up: %,.0f events/s over %.1f s%n", warm.eventsPerSecond(), warm.seconds());
            return phase(workers, (int) warm.units(), w.units(), w.perUnit(), opt.seconds, virtual);
        } finally {
            for (Worker wk : workers) wk.close();
        }
    }

    // ---------------------------------------------------------------- raw JDBC reference

    /**
     * A side whose measurement saw more CPU than this used outside this JVM and PostgreSQL is flagged.
     * Not 0: fsync-heavy SQLite runs themselves keep the kernel's I/O threads about 5% busy.
     */
    static final double OTHER_CPU_WARN = 0.10;

    private static final String INSERT = "INSERT INTO events (id, type, source, course_id, user_id, occurred_at, received_at, body)"
            + " VALUES (?,?,?,?,?,?,?,?)";

    private Measurement runRaw(String backend, IngestWorkload w, boolean single, int threads) throws Exception {
        try (IngestStore.Store store = IngestStore.Store.fresh(backend, opt, "raw")) {
            // Herald's own migrations build the schema, so the raw side writes the same events table and indexes.
            Database.open(store.url, null, null).close();
            WorkerFactory f = () -> {
                Connection c = store.connect();
                PreparedStatement ps = c.prepareStatement(INSERT);
                return new Worker() {
                    @Override
                    public void run(int unit) throws SQLException {
                        long now = System.currentTimeMillis();
                        if (single) {
                            bind(ps, w.rows().get(unit), now);
                            if (ps.executeUpdate() != 1) throw new IllegalStateException("insert failed");
                        } else {
                            // As Herald's Database.inTransaction does (with the pool's reset after it): autocommit
                            // off for the transaction and back on after, so an idle connection holds no lock.
                            c.setAutoCommit(false);
                            for (int k = unit * w.perUnit(); k < (unit + 1) * w.perUnit(); k++) {
                                bind(ps, w.rows().get(k), now);
                                ps.addBatch();
                            }
                            ps.executeBatch();
                            c.commit();
                            c.setAutoCommit(true);
                        }
                    }

                    @Override
                    public void close() throws SQLException {
                        ps.close();
                        c.close();
                    }
                };
            };
            Measurement m = warmThenMeasure(f, threads, w, false);
            try (Connection c = store.connect()) {
                check(count(c), m.totalEventsStored(w.perUnit()), "raw " + backend);
                System.out.println("   " + commitGroups(c, m, w.perUnit()));
            }
            if (backend.equals("postgres")) System.out.println("   " + store.pgCommits(m.totalEventsStored(w.perUnit())));
            return m;
        }
    }

    private static void bind(PreparedStatement ps, Row r, long now) throws SQLException {
        ps.setString(1, r.id);
        ps.setString(2, r.type);
        ps.setString(3, r.source);
        ps.setString(4, r.courseId);
        ps.setString(5, r.userId);
        ps.setLong(6, r.occurredAt);
        ps.setLong(7, now);
        ps.setString(8, r.body);
    }

    // ---------------------------------------------------------------- Herald

    private Measurement runHerald(String backend, IngestWorkload w, int threads) throws Exception {
        try (IngestStore.Store store = IngestStore.Store.fresh(backend, opt, "herald")) {
            String key = "bench_" + HexFormat.of().formatHex(randomBytes(16));
            Map<String, String> env = new LinkedHashMap<>();
            env.put("HERALD_HTTP_HOST", "127.0.0.1");
            env.put("HERALD_HTTP_PORT", "0");
            env.put("HERALD_DATA_DIR", store.dir.toString());
            env.put("HERALD_ADMIN_KEY", key);
            if (backend.equals("postgres")) env.put("HERALD_DATABASE_URL", store.url);
            String writers = System.getenv("HERALD_INGEST_WRITERS"); // to compare writer counts
            if (writers != null) env.put("HERALD_INGEST_WRITERS", writers);
            Measurement m;
            try (Herald h = Herald.start(HeraldConfig.fromMap(env))) {
                URI uri = URI.create("http://127.0.0.1:" + h.port() + "/api/v1/events");
                try (IngestClients.Client client = switch (opt.httpClient) {
                    case "jetty" -> new IngestClients.JettyClient(threads);
                    case "jdk" -> new IngestClients.JdkClient();
                    default -> new IngestClients.SocketClient();
                }) {
                    WorkerFactory f = () -> unit -> client.post(uri, key, w.requestBody(unit));
                    m = warmThenMeasure(f, threads, w, opt.virtualClients);
                }
                check(h.database().read(IngestBenchmark::count), m.totalEventsStored(w.perUnit()), "herald " + backend);
                System.out.println("   " + h.database().read(c -> commitGroups(c, m, w.perUnit())));
            }
            if (backend.equals("postgres")) System.out.println("   " + store.pgCommits(m.totalEventsStored(w.perUnit())));
            return m;
        }
    }

    // ---------------------------------------------------------------- stores

    /**
     * Lets the previous measurement's leftovers drain before the next one starts: dirty pages and
     * deleted files (sync), PostgreSQL's dirty buffers (CHECKPOINT, when allowed), then a short pause.
     */
    private void settle() throws InterruptedException {
        waitForQuietMachine(opt.quietWaitSeconds);
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
        } catch (IOException e) {
            // no sync command: skip
        }
        if (opt.backends.contains("postgres")) {
            try (Connection c = DriverManager.getConnection(pgUrl(opt, "postgres")); Statement s = c.createStatement()) {
                s.execute("CHECKPOINT");
            } catch (SQLException e) {
                // not reachable or not allowed: skip
            }
        }
        Thread.sleep(2000);
    }

    /** Waits (up to {@code --quiet-wait-seconds}) until other processes leave the machine mostly idle, so they do not skew a measurement. */
    private static void waitForQuietMachine(double maxSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
        boolean told = false;
        while (true) {
            MachineCpu.CpuSample a = MachineCpu.CpuSample.now();
            Thread.sleep(1000);
            double busy = MachineCpu.CpuSample.now().machineBusy(a);
            if (busy < 0.10) break;
            if (System.nanoTime() > deadline) {
                System.out.printf(Locale.ROOT, "   WARNING: the machine is still %.0f%% busy; measuring anyway%n", busy * 100);
                break;
            }
            if (!told) {
                System.out.printf(Locale.ROOT, "   waiting for the machine to go quiet (%.0f%% busy)...%n", busy * 100);
                told = true;
            }
        }
    }

    static String pgUrl(IngestOptions opt, String db) {
        return "jdbc:postgresql://" + opt.pgHost + ":" + opt.pgPort + "/" + db + "?user=" + opt.pgUser;
    }

    /** Null when PostgreSQL answers; otherwise why not. Only a failure to connect counts as unreachable. */
    private String postgresUnreachable() {
        try (Connection c = DriverManager.getConnection(pgUrl(opt, "postgres"))) {
            return null;
        } catch (SQLException e) {
            if ("08001".equals(e.getSQLState()) || "08004".equals(e.getSQLState())) return e.getMessage();
            throw new IllegalStateException("PostgreSQL at " + opt.pgHost + ":" + opt.pgPort + " answered but refused: "
                    + e.getMessage(), e);
        }
    }

    private String postgresVersion() throws SQLException {
        try (Connection c = DriverManager.getConnection(pgUrl(opt, "postgres")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version(), current_setting('fsync'), current_setting('synchronous_commit')")) {
            rs.next();
            return rs.getString(1) + " (fsync=" + rs.getString(2) + ", synchronous_commit=" + rs.getString(3) + ")";
        }
    }

    /**
     * Events of the measured phase per distinct received_at (one value per commit, so this is the mean
     * commit group size, or more when two commits fall in the same millisecond).
     */
    static String commitGroups(Connection c, Measurement m, int perUnit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), count(DISTINCT received_at) FROM events WHERE seq > ?")) {
            ps.setLong(1, m.firstUnit() * perUnit);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return String.format(Locale.ROOT, "measured phase: %,d events over %,d distinct received_at ms (>= %.1f events per commit)",
                        rs.getLong(1), rs.getLong(2), rs.getLong(1) / (double) Math.max(1, rs.getLong(2)));
            }
        }
    }

    static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void check(long actual, long expected, String what) {
        if (actual != expected) throw new IllegalStateException(what + ": expected " + expected + " rows, found " + actual);
    }

    // ---------------------------------------------------------------- output

    private void printResults(List<Result> results, List<String> skipped) {
        System.out.println();
        System.out.println("| backend | case | herald events/s | raw events/s | ratio | target | met |");
        System.out.println("|---|---|---:|---:|---:|---:|---|");
        boolean disturbed = false;
        for (Result r : results) {
            if (r.herald == null || r.raw == null) continue;
            boolean d = r.herald.otherCpu() > OTHER_CPU_WARN || r.raw.otherCpu() > OTHER_CPU_WARN;
            disturbed |= d;
            System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %.2f×%s | ≥ %.1f× | %s |%n", r.backend,
                    caseLabel(r.caseName), r.herald.eventsPerSecond(), r.raw.eventsPerSecond(), r.ratio(), d ? " †" : "",
                    r.target, r.ratio() >= r.target ? "yes" : "**no**");
        }
        for (Result r : results) { // bench/all.sh's lines, after the table
            if (r.herald != null && r.raw != null) Summary.ratioAtLeast("ingest " + caseLabel(r.caseName) + " vs raw JDBC", r.backend,
                    Summary.perSecond(r.herald.eventsPerSecond(), "events"), Summary.perSecond(r.raw.eventsPerSecond(), "events"), r.ratio(), r.target);
        }
        for (String s : skipped) Summary.line("ingest", "postgres", s, "-", "-", "-", "-");
        if (disturbed) {
            System.out.printf(Locale.ROOT, "%n† other processes or kernel threads used more than %.0f%% of the machine during a side of this row%n",
                    OTHER_CPU_WARN * 100);
        }
        System.out.println();
        for (String s : skipped) {
            System.out.println(s);
            System.out.println();
        }
        System.out.println("| backend | case | side | events | seconds | events/s | unit p50 | unit p99 | machine CPU | bench JVM CPU | postgres CPU | other CPU |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            for (var e : new Object[][] {{"herald", r.herald}, {"raw", r.raw}}) {
                Measurement m = (Measurement) e[1];
                if (m == null) continue;
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %,d | %.1f | %,.0f | %.1f ms | %.1f ms | %.0f%% | %.0f%% | %.0f%% | %.0f%% |%n",
                        r.backend, caseLabel(r.caseName), e[0], m.events, m.seconds(), m.eventsPerSecond(),
                        m.latencyMicros(0.5) / 1000.0, m.latencyMicros(0.99) / 1000.0, m.machineCpu * 100, m.processCpu * 100,
                        m.postgresCpu * 100, m.otherCpu() * 100);
            }
        }
    }

    private String caseLabel(String c) {
        return c.equals("single")
                ? "(a) single, " + opt.clients + " clients"
                : "(b) batch " + opt.batchSize + ", " + opt.batchSenders + " senders";
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}

package herald.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.app.Herald;
import herald.config.HeraldConfig;
import herald.event.Event;
import herald.event.EventParser;
import herald.json.Json;
import herald.problem.FieldErrors;
import herald.store.Database;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

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

    // ---------------------------------------------------------------- options

    static final class Options {
        List<String> backends = List.of("sqlite", "postgres");
        List<String> cases = List.of("single", "batch");
        List<String> sides = List.of("raw", "herald");
        double warmupSeconds = 15;
        double seconds = 10;
        int singlePool = 700_000;
        int batchPool = 2_500_000;
        boolean virtualClients = false;
        int clients = 64;
        int batchSenders = 8;
        int batchSize = 100;
        String pgHost = "127.0.0.1";
        int pgPort = 5432;
        String pgUser = "postgres";
        boolean pgOptional = false;
        String httpClient = "socket";
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--pg-optional")) {
                    o.pgOptional = true;
                    continue;
                }
                if (a.equals("-h") || a.equals("--help")) usage(null);
                if (i + 1 >= args.length) usage("missing value for " + a);
                String v = args[++i];
                switch (a) {
                    case "--backends" -> o.backends = List.of(v.split(","));
                    case "--cases" -> o.cases = List.of(v.split(","));
                    case "--sides" -> o.sides = List.of(v.split(","));
                    case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(v);
                    case "--seconds" -> o.seconds = Double.parseDouble(v);
                    case "--single-pool" -> o.singlePool = Integer.parseInt(v);
                    case "--batch-pool" -> o.batchPool = Integer.parseInt(v);
                    case "--clients" -> o.clients = Integer.parseInt(v);
                    case "--batch-senders" -> o.batchSenders = Integer.parseInt(v);
                    case "--batch-size" -> o.batchSize = Integer.parseInt(v);
                    case "--pg-host" -> o.pgHost = v;
                    case "--pg-port" -> o.pgPort = Integer.parseInt(v);
                    case "--pg-user" -> o.pgUser = v;
                    case "--http-client" -> o.httpClient = v;
                    case "--client-threads" -> {
                        if (!v.equals("platform") && !v.equals("virtual")) usage("--client-threads is platform or virtual");
                        o.virtualClients = v.equals("virtual");
                    }
                    case "--work-dir" -> o.workDir = Path.of(v);
                    default -> usage("unknown option " + a);
                }
            }
            for (String b : o.backends) if (!b.equals("sqlite") && !b.equals("postgres")) usage("unknown backend " + b);
            for (String c : o.cases) if (!c.equals("single") && !c.equals("batch")) usage("unknown case " + c);
            for (String s : o.sides) if (!s.equals("raw") && !s.equals("herald")) usage("unknown side " + s);
            if (!List.of("socket", "jetty", "jdk").contains(o.httpClient)) usage("--http-client is socket, jetty or jdk");
            if (o.batchPool % o.batchSize != 0) usage("--batch-pool must be a multiple of --batch-size");
            try {
                if (!InetAddress.getByName(o.pgHost).isLoopbackAddress()) usage("--pg-host must be a loopback address");
            } catch (IOException e) {
                usage("--pg-host: " + e.getMessage());
            }
            return o;
        }

        static void usage(String error) {
            if (error != null) System.err.println("error: " + error);
            System.err.println("""
                    usage: IngestBenchmark [--backends sqlite,postgres] [--cases single,batch] [--sides raw,herald]
                           [--warmup-seconds 15] [--seconds 10] [--single-pool 700000] [--batch-pool 2500000]
                           [--clients 64] [--batch-senders 8] [--batch-size 100] [--http-client socket|jetty|jdk]
                           [--client-threads platform|virtual]
                           [--pg-host 127.0.0.1] [--pg-port 5432] [--pg-user postgres] [--pg-optional] [--work-dir DIR]""");
            System.exit(error == null ? 0 : 2);
        }
    }

    // ---------------------------------------------------------------- main

    private final Options opt;
    private final String runTag = HexFormat.of().formatHex(randomBytes(4));

    private IngestBenchmark(Options opt) {
        this.opt = opt;
    }

    public static void main(String[] args) throws Exception {
        Options opt = Options.parse(args);
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
        Workload w = Workload.make(runTag + "-" + backend + "-" + caseName, single ? opt.singlePool : opt.batchPool, perUnit);
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

    /**
     * The events of one case: the rows Herald stores (for the raw side) and their JSON text (Herald's
     * request bodies). Unit {@code u} is events {@code [u*perUnit, (u+1)*perUnit)}.
     */
    record Workload(int perUnit, List<Row> rows) {
        private static final String[][] TYPES = {
            // eventname, component, action, target, objecttable, crud, edulevel, contextlevel
            {"\\core\\event\\course_viewed", "core", "viewed", "course", null, "r", "2", "50"},
            {"\\mod_page\\event\\course_module_viewed", "mod_page", "viewed", "course_module", "page", "r", "2", "70"},
            {"\\core\\event\\user_loggedin", "core", "loggedin", "user", "user", "r", "0", "10"},
            {"\\mod_assign\\event\\submission_created", "mod_assign", "created", "submission", "assign_submission", "c", "2", "70"},
            {"\\core\\event\\user_enrolment_created", "core", "created", "user_enrolment", "user_enrolments", "c", "0", "50"},
            {"\\mod_quiz\\event\\attempt_submitted", "mod_quiz", "submitted", "attempt", "quiz_attempts", "u", "2", "70"},
        };

        int units() {
            return rows.size() / perUnit;
        }

        /** Herald's request body for one unit: one event object, or an array of perUnit events. */
        String requestBody(int unit) {
            if (perUnit == 1) return rows.get(unit).body();
            StringBuilder b = new StringBuilder(perUnit * 600).append('[');
            for (int k = unit * perUnit; k < (unit + 1) * perUnit; k++) {
                if (k > unit * perUnit) b.append(',');
                b.append(rows.get(k).body());
            }
            return b.append(']').toString();
        }

        static Workload make(String tag, int events, int perUnit) {
            long t0 = System.nanoTime();
            List<Row> rows = java.util.stream.IntStream.range(0, events).parallel().mapToObj(i -> row(tag, i)).toList();
            System.out.printf(Locale.ROOT, "   built %,d events in %.1f s%n", events, (System.nanoTime() - t0) / 1e9);
            return new Workload(perUnit, rows);
        }

        private static Row row(String tag, int i) {
            Random rnd = new Random(i * 0x9E3779B97F4A7C15L);
            String[] t = TYPES[rnd.nextInt(10) < 5 ? 0 : rnd.nextInt(TYPES.length)];
            int course = 1 + rnd.nextInt(300);
            int user = 2 + rnd.nextInt(20_000);
            long timecreated = 1_512_961_456L + i;
            String id = "bench-" + tag + "-" + i;
            ObjectNode n = Json.object();
            n.put("id", id);
            n.put("eventname", t[0]);
            n.put("component", t[1]);
            n.put("action", t[2]);
            n.put("target", t[3]);
            if (t[4] == null) {
                n.putNull("objecttable");
                n.putNull("objectid");
            } else {
                n.put("objecttable", t[4]);
                n.put("objectid", 1 + rnd.nextInt(1_000_000));
            }
            n.put("crud", t[5]);
            n.put("edulevel", Integer.parseInt(t[6]));
            n.put("contextid", 2 + rnd.nextInt(100_000));
            n.put("contextlevel", Integer.parseInt(t[7]));
            n.put("contextinstanceid", Integer.toString(t[7].equals("50") ? course : 1 + rnd.nextInt(50_000)));
            n.put("userid", Integer.toString(user));
            n.put("courseid", Integer.toString(course));
            n.putNull("relateduserid");
            n.put("anonymous", 0);
            n.putNull("other");
            n.put("timecreated", timecreated);
            String text = Json.write(n);
            Row row = new Row(id, t[0], null, Integer.toString(course), Integer.toString(user), timecreated * 1000, text);
            if (i % 100 == 0) {
                // Every 100th event goes through Herald's own parser: the raw side must store exactly what Herald
                // stores (same column values, same body text), so the request text doubles as the stored body.
                FieldErrors errors = new FieldErrors();
                Event e = EventParser.parse(Json.read(text), "", errors, null);
                errors.throwIfAny();
                Row parsed = new Row(e.id(), e.type(), e.source(), e.courseId(), e.userId(), e.occurredAtMillis(),
                        Json.write(e.body()));
                if (!parsed.equals(row)) throw new IllegalStateException("workload row differs from Herald's: " + parsed + " vs " + row);
            }
            return row;
        }
    }

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
        ThreadCpu threadCpu0 = ThreadCpu.now();
        CpuSample cpu0 = CpuSample.now();
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
        CpuSample cpu1 = CpuSample.now();
        String byThread = ThreadCpu.now().since(threadCpu0, nanos, workerCpu.get());
        if (failure.get() != null) throw new IllegalStateException("benchmark unit failed: " + failure.get(), failure.get());
        int done = Math.min(next.get(), to) - from;
        return new Measurement((long) done * perUnit, done, nanos, Arrays.copyOf(lat, done), cpu1.machineBusy(cpu0),
                cpu1.processBusy(cpu0, nanos), cpu1.postgresBusy(cpu0), byThread, next.get() >= to, from);
    }

    /** Warm-up from the start of the pool, then the measured phase continues with the next events. */
    private Measurement warmThenMeasure(WorkerFactory f, int threads, Workload w, boolean virtual) throws Exception {
        settle();
        List<Worker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) workers.add(f.open());
            Measurement warm = phase(workers, 0, w.units(), w.perUnit, opt.warmupSeconds, virtual);
            System.out.printf(Locale.ROOT, "   warm-up: %,.0f events/s over %.1f s%n", warm.eventsPerSecond(), warm.seconds());
            return phase(workers, (int) warm.units(), w.units(), w.perUnit, opt.seconds, virtual);
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

    private Measurement runRaw(String backend, Workload w, boolean single, int threads) throws Exception {
        try (Store store = Store.fresh(backend, opt, "raw")) {
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
                            bind(ps, w.rows.get(unit), now);
                            if (ps.executeUpdate() != 1) throw new IllegalStateException("insert failed");
                        } else {
                            // As Herald's Database.inTransaction does (with the pool's reset after it): autocommit
                            // off for the transaction and back on after, so an idle connection holds no lock.
                            c.setAutoCommit(false);
                            for (int k = unit * w.perUnit; k < (unit + 1) * w.perUnit; k++) {
                                bind(ps, w.rows.get(k), now);
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
                check(count(c), m.totalEventsStored(w.perUnit), "raw " + backend);
                System.out.println("   " + commitGroups(c, m, w.perUnit));
            }
            if (backend.equals("postgres")) System.out.println("   " + store.pgCommits(m.totalEventsStored(w.perUnit)));
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

    private Measurement runHerald(String backend, Workload w, int threads) throws Exception {
        try (Store store = Store.fresh(backend, opt, "herald")) {
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
                try (Client client = switch (opt.httpClient) {
                    case "jetty" -> new JettyClient(threads);
                    case "jdk" -> new JdkClient();
                    default -> new SocketClient();
                }) {
                    WorkerFactory f = () -> unit -> client.post(uri, key, w.requestBody(unit));
                    m = warmThenMeasure(f, threads, w, opt.virtualClients);
                }
                check(h.database().read(IngestBenchmark::count), m.totalEventsStored(w.perUnit), "herald " + backend);
                System.out.println("   " + h.database().read(c -> commitGroups(c, m, w.perUnit)));
            }
            if (backend.equals("postgres")) System.out.println("   " + store.pgCommits(m.totalEventsStored(w.perUnit)));
            return m;
        }
    }

    interface Client extends AutoCloseable {
        /** Posts one body and returns when Herald answered 202 with no duplicates. */
        void post(URI uri, String key, String body) throws Exception;

        @Override
        void close() throws Exception;

        static void expect(int status, String answer) {
            if (status != 202 || !answer.endsWith("\"duplicates\":[]}")) {
                throw new IllegalStateException("Herald answered " + status + ": " + answer);
            }
        }
    }

    static final class JdkClient implements Client {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();

        @Override
        public void post(URI uri, String key, String body) throws Exception {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            Client.expect(r.statusCode(), r.body());
        }

        @Override
        public void close() {
            http.close();
        }
    }

    static final class JettyClient implements Client {
        private final org.eclipse.jetty.client.HttpClient http = new org.eclipse.jetty.client.HttpClient();

        JettyClient(int connections) throws Exception {
            http.setMaxConnectionsPerDestination(connections);
            http.start();
        }

        @Override
        public void post(URI uri, String key, String body) throws Exception {
            ContentResponse r = http.newRequest(uri).method(HttpMethod.POST).timeout(120, java.util.concurrent.TimeUnit.SECONDS)
                    .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + key))
                    .body(new StringRequestContent("application/json", body)).send();
            Client.expect(r.getStatus(), r.getContentAsString());
        }

        @Override
        public void close() throws Exception {
            http.stop();
        }
    }

    /**
     * A minimal HTTP/1.1 keep-alive client: one socket per sender thread, each request written in one
     * go and the answer read by its Content-Length. A general client (Jetty's, the JDK's) spends about as
     * much CPU per request as Herald does; on 2 shared cores that CPU is taken from Herald, so the
     * default load generator does the least work that still sends real requests and checks every answer.
     */
    static final class SocketClient implements Client {
        private record Connection(java.net.Socket socket, java.io.OutputStream out, java.io.BufferedInputStream in) {}

        private final List<java.net.Socket> opened = java.util.Collections.synchronizedList(new ArrayList<>());
        private final ThreadLocal<Connection> connection = new ThreadLocal<>();

        @Override
        public void post(URI uri, String key, String body) throws Exception {
            Connection c = connection.get();
            if (c == null) {
                java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort());
                s.setTcpNoDelay(true);
                s.setSoTimeout(120_000);
                opened.add(s);
                c = new Connection(s, s.getOutputStream(), new java.io.BufferedInputStream(s.getInputStream(), 8192));
                connection.set(c);
            }
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            byte[] head = ("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAuthorization: Bearer " + key + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + content.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(head, head.length + content.length);
            System.arraycopy(content, 0, request, head.length, content.length);
            c.out.write(request);
            c.out.flush();
            String status = line(c.in);
            int length = -1;
            for (String h = line(c.in); !h.isEmpty(); h = line(c.in)) {
                if (h.regionMatches(true, 0, "content-length:", 0, 15)) length = Integer.parseInt(h.substring(15).trim());
            }
            if (length < 0) throw new IllegalStateException("answer without Content-Length: " + status);
            String answer = new String(c.in.readNBytes(length), StandardCharsets.UTF_8);
            Client.expect(Integer.parseInt(status.substring(9, 12)), answer);
        }

        private static String line(java.io.InputStream in) throws IOException {
            StringBuilder b = new StringBuilder(64);
            for (int ch; (ch = in.read()) != '\n'; ) {
                if (ch < 0) throw new IOException("connection closed by Herald");
                if (ch != '\r') b.append((char) ch);
            }
            return b.toString();
        }

        @Override
        public void close() throws IOException {
            for (java.net.Socket s : opened) s.close();
        }
    }

    // ---------------------------------------------------------------- stores

    /** A fresh database for one measurement: a new directory (SQLite) or a new PostgreSQL database. */
    static final class Store implements AutoCloseable {
        final String backend;
        final Path dir;
        final String url;
        final String pgDatabase;
        final Options opt;
        private final SQLiteDataSource sqlite;

        private Store(String backend, Path dir, String url, String pgDatabase, Options opt) {
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

        static Store fresh(String backend, Options opt, String side) throws Exception {
            Files.createDirectories(opt.workDir);
            Path dir = Files.createTempDirectory(opt.workDir, "herald-bench-" + side + "-");
            if (backend.equals("sqlite")) {
                return new Store(backend, dir, "jdbc:sqlite:" + dir.resolve(side.equals("raw") ? "raw.db" : "herald.db"),
                        null, opt);
            }
            String db = "herald_bench_" + HexFormat.of().formatHex(randomBytes(6));
            try (Connection c = DriverManager.getConnection(pgUrl(opt, "postgres")); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + db);
            }
            return new Store(backend, dir, pgUrl(opt, db), db, opt);
        }

        /** Transactions committed in this database (all of them: warm-up, migrations, Herald's own work). */
        String pgCommits(long events) throws SQLException {
            try (Connection c = DriverManager.getConnection(pgUrl(opt, "postgres"));
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
                try (Connection c = DriverManager.getConnection(pgUrl(opt, "postgres")); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + pgDatabase + " WITH (FORCE)");
                }
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Lets the previous measurement's leftovers drain before the next one starts: dirty pages and
     * deleted files (sync), PostgreSQL's dirty buffers (CHECKPOINT, when allowed), then a short pause.
     */
    private void settle() throws InterruptedException {
        waitForQuietMachine();
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

    /** Waits (up to 5 minutes) until other processes leave the machine mostly idle, so they do not skew a measurement. */
    private static void waitForQuietMachine() throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        boolean told = false;
        while (true) {
            CpuSample a = CpuSample.now();
            Thread.sleep(1000);
            double busy = CpuSample.now().machineBusy(a);
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

    static String pgUrl(Options opt, String db) {
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

    // ---------------------------------------------------------------- CPU accounting

    /** Machine-wide busy time (from /proc/stat, all cores) and this process's CPU time. */
    record CpuSample(long busyTicks, long totalTicks, long processNanos, long postgresTicks) {
        static CpuSample now() {
            ProcCpu.Machine m = ProcCpu.machine();
            long proc = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : 0;
            return new CpuSample(m.busyTicks(), m.totalTicks(), proc, ProcCpu.ticks((pid, name) -> name.equals("postgres")));
        }

        /** PostgreSQL's processes' CPU as a fraction of all cores over the interval. */
        double postgresBusy(CpuSample before) {
            long t = totalTicks - before.totalTicks;
            return t == 0 ? 0 : (double) (postgresTicks - before.postgresTicks) / t;
        }

        double machineBusy(CpuSample before) {
            long t = totalTicks - before.totalTicks;
            return t == 0 ? 0 : (double) (busyTicks - before.busyTicks) / t;
        }

        /** This JVM's CPU as a fraction of all cores over the interval. */
        double processBusy(CpuSample before, long wallNanos) {
            return (double) (processNanos - before.processNanos) / wallNanos / Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * CPU time of this JVM's threads, grouped by what they are (from their names): a cheap profile that
     * splits the load generator's CPU from Herald's. GC and JIT threads are not Java threads; they show
     * as the rest of the process CPU.
     */
    record ThreadCpu(Map<String, Long> nanosByGroup, long processNanos) {
        static ThreadCpu now() {
            java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            Map<String, Long> by = new java.util.TreeMap<>();
            long[] ids = mx.getAllThreadIds();
            java.lang.management.ThreadInfo[] infos = mx.getThreadInfo(ids);
            for (int i = 0; i < ids.length; i++) {
                if (infos[i] == null || infos[i].getThreadName().startsWith("bench-worker-")) continue;
                long t = mx.getThreadCpuTime(ids[i]);
                if (t > 0) by.merge(group(infos[i].getThreadName()), t, Long::sum);
            }
            long proc = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : 0;
            return new ThreadCpu(by, proc);
        }

        static String group(String name) {
            if (name.startsWith("HttpClient-") || name.startsWith("HttpClient@")) return "http-client";
            if (name.startsWith("event-writer")) return "herald-event-writer";
            if (name.startsWith("ForkJoinPool-")) return "virtual-thread-carriers";
            if (name.startsWith("JettyServerThreadPool") || name.startsWith("qtp")) return "jetty-server";
            return "other";
        }

        /** Core-seconds per second of each group over the interval, largest first. */
        String since(ThreadCpu before, long wallNanos, long benchWorkerNanos) {
            Map<String, Long> d = new LinkedHashMap<>();
            d.put("bench-workers", benchWorkerNanos);
            long sum = benchWorkerNanos;
            for (var e : nanosByGroup.entrySet()) {
                long v = e.getValue() - before.nanosByGroup.getOrDefault(e.getKey(), 0L);
                if (v > 0) d.put(e.getKey(), v);
                sum += Math.max(0, v);
            }
            d.put("gc/jit/vm (rest of process)", Math.max(0, processNanos - before.processNanos - sum));
            StringBuilder b = new StringBuilder();
            d.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e -> {
                if (b.length() > 0) b.append(", ");
                b.append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.2f", e.getValue() / (double) wallNanos));
            });
            return b.toString();
        }
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

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}

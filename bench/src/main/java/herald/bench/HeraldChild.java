package herald.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A Herald child process on fresh storage, its database read directly for progress. */
final class HeraldChild implements AutoCloseable {
    private static final HttpClient api = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Process process;
    final int port;
    private final Connection db;
    private final String pgDb;
    final List<String> serviceIds = new CopyOnWriteArrayList<>();
    private volatile long peakRssKiB;
    private final Thread rssSampler;

    private HeraldChild(Process process, int port, Connection db, String pgDb) {
        this.process = process;
        this.port = port;
        this.db = db;
        this.pgDb = pgDb;
        this.rssSampler = Thread.ofPlatform().daemon().start(() -> {
            while (process.isAlive()) {
                peakRssKiB = Math.max(peakRssKiB, rssKiB());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    String service(String name, String url, String more) throws Exception {
        return service(name, url, more, null);
    }

    /** {@code subscriptionMore}: more fields of the subscription (an ordering key). */
    String service(String name, String url, String more, String subscriptionMore) throws Exception {
        String svc = post("/api/v1/services", "{\"name\":\"" + name + "\",\"url\":\"" + url + "\""
                + (more == null ? "" : "," + more) + "}");
        String id = svc.replaceAll("(?s).*?\"id\":\"([^\"]+)\".*", "$1");
        serviceIds.add(id);
        post("/api/v1/subscriptions", "{\"service_id\":\"" + id + "\",\"events\":[\"*\"]"
                + (subscriptionMore == null ? "" : "," + subscriptionMore) + "}");
        return id;
    }

    String post(String path, String body) throws Exception {
        return send("POST", path, body);
    }

    String put(String path, String body) throws Exception {
        return send("PUT", path, body);
    }

    String patch(String path, String body) throws Exception {
        return send("PATCH", path, body);
    }

    private String send(String method, String path, String body) throws Exception {
        HttpResponse<String> r = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + DeliveryBenchmark.KEY).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.body());
        return r.body();
    }

    /** A counter's value from Herald's {@code /metrics} (Prometheus text), summed over its series; 0 when absent. */
    double metric(String name) throws Exception {
        double sum = 0;
        for (String line : send("GET", "/metrics", "").split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }

    /** The first row of {@code sql} on Herald's database, each column as a number (0 for NULL). */
    double[] row(String sql) throws Exception {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            double[] r = new double[rs.getMetaData().getColumnCount()];
            if (rs.next()) for (int i = 0; i < r.length; i++) r[i] = rs.getDouble(i + 1);
            return r;
        }
    }

    long delivered(String extra) throws Exception {
        return count("status = 'delivered'" + extra);
    }

    /**
     * Deliveries delivered by {@code epochMillis} (their outcome recorded then), counted afterwards:
     * counting during a measured phase reads the whole table on the Herald being measured.
     */
    long deliveredBy(long epochMillis) throws Exception {
        return count("status = 'delivered' AND updated_at <= " + epochMillis);
    }

    /** Waits for every delivery to finish and checks {@code n} were delivered; returns when none was left ({@link System#nanoTime}). */
    long awaitDelivered(long n, Duration atMost) throws Exception {
        return awaitCount(n, "", atMost);
    }

    /** Waits for the deliveries to the healthy services (the ones created after the {@code hanging} first). */
    long awaitDeliveredToHealthy(long n, int hanging, Duration atMost) throws Exception {
        String ids = String.join(",", serviceIds.subList(hanging, serviceIds.size()).stream().map(s -> "'" + s + "'").toList());
        return awaitCount(n, " AND service_id IN (" + ids + ")", atMost);
    }

    private long count(String where) throws Exception {
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM deliveries WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Deliveries not finished yet, from Herald's partial status indexes (one for due rows, one for
     * rows being sent; a single {@code IN} of the three states matches neither, and PostgreSQL
     * scanned the table: 50–60 ms a count). One statement, so one snapshot: a row that moves
     * between the two states while it is counted is counted once.
     */
    long unfinished(String extra) throws Exception {
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'retrying')"
                     + extra + ") + (SELECT COUNT(*) FROM deliveries WHERE status = 'delivering'" + extra + ")")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Whether any delivery (matching {@code extra}) is not finished yet: the same two partial
     * indexes, but each stops at its first live row. Counting them (above) read every waiting row
     * and its table row, which on PostgreSQL took 17 ms a poll and a tenth of a core from the
     * Herald being measured (pg_stat_statements, 2026-12-07).
     */
    boolean anyUnfinished(String extra) throws Exception {
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT CASE WHEN EXISTS (SELECT 1 FROM deliveries WHERE status IN ('pending', 'retrying')"
                     + extra + ") OR EXISTS (SELECT 1 FROM deliveries WHERE status = 'delivering'" + extra + ") THEN 1 ELSE 0 END")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    /**
     * Waits until no delivery (matching {@code extra}) is left unfinished, then checks that at least
     * {@code n} were delivered. It asks whether any is left rather than counting what is done, every
     * 50 ms or ten times as long as the question took, whichever is longer: counting every delivered
     * row every 100 ms once took up to a sixth of the machine from Herald. Returns the
     * {@link System#nanoTime} at which none was left: the count of what was delivered after it is
     * a check, not part of the time measured (it reads the whole table).
     */
    private long awaitCount(long n, String extra, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            long t = System.nanoTime();
            boolean left = anyUnfinished(extra);
            long tookMs = (System.nanoTime() - t) / 1_000_000;
            if (!left) break;
            if (System.nanoTime() > deadline) throw new IllegalStateException("not delivered in " + atMost);
            Thread.sleep(Math.max(50, 10 * tookMs));
        }
        long noneLeft = System.nanoTime();
        long delivered = delivered(extra);
        if (delivered < n) throw new IllegalStateException(delivered + " of " + n + " delivered; the rest failed");
        return noneLeft;
    }

    long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        } catch (IOException | RuntimeException e) {
            // exited
        }
        return 0;
    }

    long rssMiB() {
        return rssKiB() / 1024;
    }

    long peakRssMiB() {
        return peakRssKiB / 1024;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        rssSampler.interrupt();
        db.close();
        if (pgDb != null) dropPgDatabase(pgDb);
    }

    static HeraldChild launch(DeliveryBenchmark.Options opt, String name) throws Exception {
        String pgDb = opt.backend.equals("postgres") ? createPgDatabase() : null;
        try {
            return launch(opt, name, pgDb, true, Map.of());
        } catch (Exception e) {
            if (pgDb != null) dropPgDatabase(pgDb);
            throw e;
        }
    }

    /** A fresh PostgreSQL database on 127.0.0.1:5432 (for nodes to share: launch them with it). */
    static String createPgDatabase() throws Exception {
        String pgDb = "herald_bench_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + pgDb);
        }
        // Dropped on the way out too if the run is cut short (bench/all.sh's timeout sends SIGTERM).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dropPgDatabase(pgDb);
            } catch (Exception e) {
                // already gone, or PostgreSQL is; nothing more to do at exit
            }
        }));
        return pgDb;
    }

    static void dropPgDatabase(String pgDb) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + pgDb + " WITH (FORCE)");
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * A node on PostgreSQL database {@code pgDb} (null: SQLite in a fresh directory), dropped on
     * close when {@code ownsDb}; {@code extraEnv} adds HERALD_* settings.
     */
    static HeraldChild launch(DeliveryBenchmark.Options opt, String name, String pgDb, boolean ownsDb, Map<String, String> extraEnv)
            throws Exception {
        Path dir = Files.createTempDirectory(opt.child.workDir, "delivery-" + name + "-");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, String> env = new HashMap<>();
        env.put("HERALD_HTTP_PORT", Integer.toString(port));
        env.put("HERALD_DATA_DIR", dir.toString());
        env.put("HERALD_ADMIN_KEY", DeliveryBenchmark.KEY);
        env.put("HERALD_OUTBOUND_ALLOW", "127.0.0.0/8");
        env.putAll(extraEnv);
        String jdbc = "jdbc:sqlite:" + dir.resolve("herald.db");
        if (pgDb != null) {
            jdbc = "jdbc:postgresql://127.0.0.1:5432/" + pgDb + "?user=postgres";
            env.put("HERALD_DATABASE_URL", jdbc);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(opt.child.serverJavaOpts);
        command.addAll(List.of("-jar", opt.child.jar.toString(), "start"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("HERALD_"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("herald.log").toFile());
        Process p = pb.start();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            if (!p.isAlive()) throw new IllegalStateException("herald exited; see " + dir.resolve("herald.log"));
            try {
                if (api.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly().waitFor(); // bounded: nothing is left running
                    throw notYet;
                }
            }
            Thread.sleep(100);
        }
        return new HeraldChild(p, port, DriverManager.getConnection(jdbc), ownsDb ? pgDb : null);
    }
}

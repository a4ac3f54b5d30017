package herald.bench;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End to end against Apache Camel (issue 23): the same events, about 1 KiB each, delivered signed
 * to the same sink (nginx, {@code return 200}, logging each request's {@code webhook-id}).
 * <ul>
 *   <li>Herald: a child process (as {@code ./herald start}) on SQLite or PostgreSQL, one service and
 *       one subscription to all events; the events are posted to {@code POST /api/v1/events} in
 *       batches of 500 from 4 senders; timed from the first post until every delivery is recorded
 *       delivered (durable, signed, at least once).</li>
 *   <li>Camel 4.22 in this JVM ({@link CamelRoute}): the same events sent in memory to a SEDA queue
 *       by 4 threads, signed and posted by camel-http with redelivery and a dead-letter channel (not
 *       durable); timed from the first send until every exchange is done. Tried with each of
 *       {@code --camel-consumers}; the best is the reference.</li>
 * </ul>
 * Each side is warmed on its own path first. Duplicates: the sink's log of {@code webhook-id}s is
 * counted per measured phase (total and unique). Only 127.0.0.1 is contacted.
 */
public final class EndToEndBenchmark {
    private static final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private static final double TARGET = 1.5;
    private static final int BATCH = 500;
    private static final int SENDERS = 4;
    private static final String CAMEL_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    static final class Options {
        String backend = "sqlite";
        int sinkPort = 18190;
        int events = 50_000;
        int warmupEvents = 20_000;
        double warmupJitMax = 0.05;
        List<Integer> camelConsumers = List.of(16, 32, 64);
        ChildOptions child = new ChildOptions();
        Path sinkLogs;

        static Options parse(String[] args) {
            Options o = new Options();
            o.child.parse(args, Options::usage, (name, v) -> {
                switch (name) {
                    case "--backend" -> o.backend = v;
                    case "--sink-port" -> o.sinkPort = Integer.parseInt(v);
                    case "--events" -> o.events = Integer.parseInt(v);
                    case "--warmup-events" -> o.warmupEvents = Integer.parseInt(v);
                    case "--warmup-jit-max" -> o.warmupJitMax = Double.parseDouble(v);
                    case "--camel-consumers" -> o.camelConsumers = java.util.Arrays.stream(v.split(",")).map(Integer::valueOf).toList();
                    case "--sink-logs" -> o.sinkLogs = Path.of(v);
                    default -> {
                        return false;
                    }
                }
                return true;
            });
            if (!o.backend.equals("sqlite") && !o.backend.equals("postgres")) usage();
            if (o.events % BATCH != 0 || o.events <= 0) usage();
            if (o.sinkLogs == null) o.sinkLogs = o.child.workDir.resolve("nginx");
            return o;
        }

        static void usage() {
            System.err.println("""
                    usage: EndToEndBenchmark [--backend sqlite|postgres] [--events 50000 (a multiple of 500)] [--warmup-events 20000]
                           [--warmup-jit-max 0.05] [--camel-consumers 16,32,64] [--sink-port 18190] [--work-dir DIR]
                           [--sink-logs DIR (default WORK/nginx: herald-run.log, camel-run.log, one webhook-id a line)]
                           [--jar server/target/herald.jar] [--server-java-opts "..."]   (default: none, as ./herald start)""");
            System.exit(2);
        }
    }

    public static void main(String[] args) throws Exception {
        Options opt = Options.parse(args);
        EndToEndBenchmark b = new EndToEndBenchmark(opt);
        out.printf(Locale.ROOT, "== end to end vs Apache Camel %s: %,d events of %,d bytes after a warm-up of at least %,d;"
                        + " backend %s; sink %s%n", org.apache.camel.CamelContext.class.getPackage().getImplementationVersion(),
                opt.events, bodies("x", 1).get(0).length(), opt.warmupEvents, opt.backend, b.sink);
        Result herald = b.herald();
        Result camel = null;
        for (int consumers : opt.camelConsumers) {
            Result r = b.camel(consumers);
            if (camel == null || r.rate > camel.rate) camel = r;
        }
        double ratio = herald.rate / camel.rate;
        // Each line in one write: printf writes piece by piece, and a Camel log line from another
        // thread once landed inside the summary line, so bench/all.sh lost the row.
        out.println(String.format(Locale.ROOT, "   RESULT end to end %s: Herald %,.0f events/s, Camel (best: %s) %,.0f events/s,"
                + " ratio %.2f (target >= %.2f)", opt.backend, herald.rate, camel.what, camel.rate, ratio, TARGET));
        Summary.ratioAtLeast("end-to-end vs Camel", opt.backend, Summary.perSecond(herald.rate, "events"),
                Summary.perSecond(camel.rate, "events"), ratio, TARGET);
        System.exit(0);
    }

    record Result(String what, double rate) {}

    private final Options opt;
    private final String sink;

    private EndToEndBenchmark(Options opt) {
        this.opt = opt;
        this.sink = "http://127.0.0.1:" + opt.sinkPort;
    }

    // ---------------------------------------------------------------- Herald

    private Result herald() throws Exception {
        out.println("-- Herald (child process, " + opt.backend + ", server JVM options: "
                + opt.child.javaOpts("none, as ./herald start") + ")");
        DeliveryBenchmark.Options d = new DeliveryBenchmark.Options();
        d.backend = opt.backend;
        d.child = opt.child;
        try (HeraldChild h = HeraldChild.launch(d, "e2e"); IngestClients.SocketClient client = new IngestClients.SocketClient()) {
            URI ingest = URI.create("http://127.0.0.1:" + h.port + "/api/v1/events");
            // Two services (signing on, the default), both made before the warm-up: "warm", on during
            // the warm-up, and "run", on while measuring, whose URL the sink logs apart. Routing
            // follows each switch from the next ingest commit on.
            String warm = h.service("warm", sink + "/herald-warm", null);
            String run = h.service("run", sink + "/herald-run", null);
            h.patch("/api/v1/services/" + run, "{\"enabled\":false}");
            long[] delivered = {0};
            warmUp(h.pid(), "Herald's", r -> {
                ingest(client, ingest, batches(bodies("hw" + r + "-", 10_000)));
                delivered[0] += 10_000;
                h.awaitDelivered(delivered[0], Duration.ofMinutes(10));
            });
            h.patch("/api/v1/services/" + warm, "{\"enabled\":false}");
            h.patch("/api/v1/services/" + run, "{\"enabled\":true}");
            List<String> batches = batches(bodies("hm-", opt.events));
            DeliveryCpu before = DeliveryCpu.now(h.pid());
            MachineCpu.CpuSample self = MachineCpu.CpuSample.now();
            long[] io = ioWait();
            java.util.Map<String, Long> threads = threadTicks(h.pid());
            long start = System.nanoTime();
            ingest(client, ingest, batches);
            double ingested = (System.nanoTime() - start) / 1e9;
            long ingestedAt = System.currentTimeMillis();
            long wall = h.awaitDelivered(delivered[0] + opt.events, Duration.ofMinutes(10)) - start;
            double rate = opt.events / (wall / 1e9);
            DeliveryCpu after = DeliveryCpu.now(h.pid());
            MachineCpu.CpuSample selfAfter = MachineCpu.CpuSample.now();
            long[] ioAfter = ioWait();
            String profile = topThreads(threads, threadTicks(h.pid()), after.total() - before.total());
            out.printf(Locale.ROOT, "   ingest took %.2f s (%,.0f events/s), %,d delivered by then; end to end %.2f s%n", ingested,
                    opt.events / ingested, h.deliveredBy(ingestedAt) - delivered[0], wall / 1e9);
            out.printf(Locale.ROOT, "   CPU: %s; the senders' JVM %.0f%%%s; other processes %.0f%%; peak RSS %,d MiB%n",
                    after.herald(before), selfAfter.processBusy(self, wall) * 100, opt.backend.equals("postgres")
                            ? String.format(Locale.ROOT, "; PostgreSQL (all its processes) %.0f%%", Math.max(0, selfAfter.postgresBusy(self)) * 100) : "",
                    after.otherBusy(before) * 100, h.peakRssMiB());
            out.printf(Locale.ROOT, "   the machine waited for I/O %.0f%% of the time; Herald's busiest threads (%% of the machine): %s%n",
                    100.0 * (ioAfter[0] - io[0]) / Math.max(1, ioAfter[1] - io[1]), profile);
            SinkLog.Count c = SinkLog.count(opt.sinkLogs.resolve("herald-run.log"), "", opt.events);
            out.printf(Locale.ROOT, "   Herald end to end: %,.0f events/s; sink saw %,d requests, %,d distinct webhook-ids (%,d duplicates)%n",
                    rate, c.total(), c.unique(), c.total() - c.unique());
            return new Result("Herald", rate);
        }
    }

    private static void ingest(IngestClients.SocketClient client, URI uri, List<String> batches) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                done.add(pool.submit(() -> {
                    for (int b; (b = next.getAndIncrement()) < batches.size(); ) client.post(uri, DeliveryBenchmark.KEY, batches.get(b));
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdown();
        }
    }

    private static List<String> batches(List<String> bodies) {
        List<String> batches = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i += BATCH) {
            batches.add("[" + String.join(",", bodies.subList(i, Math.min(bodies.size(), i + BATCH))) + "]");
        }
        return batches;
    }

    // ---------------------------------------------------------------- Camel

    private Result camel(int consumers) throws Exception {
        String what = consumers + " consumers, " + consumers + " connections";
        out.println("-- Camel in this JVM: seda (" + what + ") → camel-http, redelivery + dead-letter channel, signed");
        String tag = "c" + consumers;
        try (CamelRoute route = new CamelRoute(sink + "/camel-run", consumers, CAMEL_SECRET)) {
            // Warmed on the same route (same pool, same threads) with ids the count leaves out.
            warmUp(ProcessHandle.current().pid(), "this JVM's", r -> {
                List<String> b = bodies(tag + "w" + r + "-", 10_000);
                route.run(ids(b), bytes(b), SENDERS, Duration.ofMinutes(10));
            });
            List<String> b = bodies(tag + "m-", opt.events);
            List<String> ids = ids(b);
            List<byte[]> bytes = bytes(b);
            MachineCpu.CpuSample self = MachineCpu.CpuSample.now();
            long start = System.nanoTime();
            double seconds = route.run(ids, bytes, SENDERS, Duration.ofMinutes(10));
            long wall = System.nanoTime() - start;
            double rate = opt.events / seconds;
            MachineCpu.CpuSample now = MachineCpu.CpuSample.now();
            double camelBusy = now.processBusy(self, wall);
            out.printf(Locale.ROOT, "   CPU: this JVM (Camel and its feeders) %.0f%% of the machine; the rest of the machine (nginx, others) %.0f%%%n",
                    camelBusy * 100, Math.max(0, now.machineBusy(self) - camelBusy) * 100);
            if (route.deadLettered() > 0) out.printf(Locale.ROOT, "   %,d exchanges dead-lettered%n", route.deadLettered());
            SinkLog.Count c = SinkLog.count(opt.sinkLogs.resolve("camel-run.log"), "msg_" + tag + "m-", opt.events);
            out.printf(Locale.ROOT, "   Camel end to end: %,.0f events/s; sink saw %,d requests, %,d distinct webhook-ids (%,d duplicates)%n",
                    rate, c.total(), c.unique(), c.total() - c.unique());
            return new Result(what, rate);
        }
    }

    /** The machine's iowait and total clock ticks since boot (/proc/stat). */
    private static long[] ioWait() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) total += Long.parseLong(f[i]);
            return new long[] {Long.parseLong(f[5]), total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** CPU ticks of process {@code pid}'s threads by name, digits dropped (a pool's threads together). */
    private static java.util.Map<String, Long> threadTicks(long pid) {
        java.util.Map<String, Long> by = new java.util.HashMap<>();
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks) {
                try {
                    String st = Files.readString(t.resolve("stat"));
                    int close = st.lastIndexOf(')');
                    String name = st.substring(st.indexOf('(') + 1, close).replaceAll("[0-9]+", "#");
                    String[] f = st.substring(close + 2).split(" ");
                    by.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return by;
    }

    private static String topThreads(java.util.Map<String, Long> before, java.util.Map<String, Long> after, long machineTicks) {
        return after.entrySet().stream().map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0).sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / Math.max(1, machineTicks)))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static List<String> ids(List<String> bodies) {
        return bodies.stream().map(s -> s.substring(7, s.indexOf('"', 7))).toList();
    }

    private static List<byte[]> bytes(List<String> bodies) {
        return bodies.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    // ---------------------------------------------------------------- common

    /** Rounds of 10,000 events: at least {@code --warmup-events}, then until the JIT compilers of {@code pid} settle (at most 10). */
    private void warmUp(long pid, String whose, JitWarmup.Round round) throws Exception {
        JitWarmup.untilSettled(pid, Math.max(1, (opt.warmupEvents + 9_999) / 10_000), 10, opt.warmupJitMax, round, whose, 10_000, out);
    }

    /**
     * Moodle-style event documents of about 1 KiB ({@code "id"} first: {@code tag-i}), the same
     * text for both sides.
     */
    static List<String> bodies(String tag, int n) {
        String pad = "x".repeat(674); // 1,024 bytes in all
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add("{\"id\":\"" + tag + i + "\",\"eventname\":\"\\\\core\\\\event\\\\course_viewed\",\"component\":\"core\","
                    + "\"action\":\"viewed\",\"target\":\"course\",\"objecttable\":null,\"objectid\":null,\"crud\":\"r\","
                    + "\"edulevel\":2,\"contextid\":" + (1000 + i % 50) + ",\"contextlevel\":50,\"contextinstanceid\":\""
                    + (i % 50) + "\",\"userid\":\"" + (i % 997) + "\",\"courseid\":\"" + (i % 50) + "\",\"relateduserid\":null,"
                    + "\"anonymous\":0,\"other\":{\"origin\":\"web\",\"note\":\"" + pad + "\"},\"timecreated\":1700000000}");
        }
        return out;
    }

    /** The sink's access logs: one {@code webhook-id} a line, written by nginx in buffered blocks. */
    static final class SinkLog {
        record Count(long total, long unique) {}

        /**
         * Counts the lines that start with {@code prefix}, once at least {@code expected} are there and
         * the file has stopped growing for longer than nginx's flush interval (1 s): the last block
         * of the buffer, with any late duplicate, is written by then.
         */
        static Count count(Path log, String prefix, long expected) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + 60_000_000_000L;
            long size = -1;
            long stableSince = System.nanoTime();
            while (true) {
                long s = Files.exists(log) ? Files.size(log) : 0;
                if (s != size) {
                    size = s;
                    stableSince = System.nanoTime();
                }
                Count c = read(log, prefix);
                if (c.total >= expected && System.nanoTime() - stableSince > 1_500_000_000L) return c;
                if (System.nanoTime() > deadline) {
                    out.printf(Locale.ROOT, "   the sink's log %s has %,d of %,d lines after 60 s%n", log, c.total, expected);
                    return c;
                }
                Thread.sleep(250); // polls the log's growth: nginx gives no other signal of its flush
            }
        }

        private static Count read(Path log, String prefix) throws IOException {
            if (!Files.exists(log)) return new Count(0, 0);
            Set<String> seen = new HashSet<>();
            long total = 0;
            try (var lines = Files.lines(log, StandardCharsets.US_ASCII)) {
                for (var it = lines.iterator(); it.hasNext(); ) {
                    String l = it.next();
                    if (!l.startsWith(prefix)) continue;
                    total++;
                    seen.add(l);
                }
            }
            return new Count(total, seen.size());
        }
    }
}

package herald.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.BytesRequestContent;

/**
 * Delivery benchmark: Herald (a child process started like {@code ./herald start}) delivering to a
 * fast local sink (nginx, {@code return 200}), against a bare Jetty-client loop posting the same
 * bodies to the same sink in the same run. Cases:
 * <ul>
 *   <li>{@code throughput}: end-to-end deliveries/s, from the first ingest request until every
 *       delivery is delivered, vs the bare loop (issue 23's targets: ≥ 0.5× on SQLite, ≥ 0.35× on PostgreSQL);</li>
 *   <li>{@code latency}: p50/p99 from ingest to receipt at a fixed rate (1k events/s), receipt
 *       timed by an in-process receiver;</li>
 *   <li>{@code isolation}: healthy services' deliveries/s with half the services hanging vs all
 *       healthy (target ≥ 0.9×);</li>
 *   <li>{@code backlog}: drain of a large backlog (1,000,000) vs a small one (10,000), with the
 *       server's peak RSS (target ≤ 512 MiB; drain rate ≥ 0.9× of the small one).</li>
 * </ul>
 * Only 127.0.0.1 is contacted. Results go to stdout; Herald's log to {@code work-dir}.
 */
public final class DeliveryBenchmark {
    static final String KEY = "bench-admin-key-0123456789abcdef";
    private static final PrintStream out = System.out;

    static final class Options {
        List<String> cases = List.of("throughput", "latency", "isolation", "backlog", "ordered");
        String backend = "sqlite";
        int sinkPort = 8089;
        int events = 50_000;
        /** Sent on each side before measuring: Herald's JIT needs this long on 2 shared cores (see docs/benchmarks.md). */
        int warmupEvents = 30_000;
        double warmupJitMax = 0.05;
        int rate = 1000;
        double latencySeconds = 20;
        int services = 10;
        int isolationEvents = 10_000;
        int isolationRuns = 3;
        int backlog = 1_000_000;
        int smallBacklog = 10_000;
        int concurrency = 64;
        int orderedRounds = 5;
        int throughputRounds = 3;
        ChildOptions child = new ChildOptions();

        static Options parse(String[] args) {
            Options o = new Options();
            o.child.parse(args, Options::usage, (name, v) -> {
                switch (name) {
                    case "--cases" -> o.cases = List.of(v.split(","));
                    case "--backend" -> o.backend = v;
                    case "--sink-port" -> o.sinkPort = Integer.parseInt(v);
                    case "--events" -> o.events = Integer.parseInt(v);
                    case "--warmup-events" -> o.warmupEvents = Integer.parseInt(v);
                    case "--warmup-jit-max" -> o.warmupJitMax = Double.parseDouble(v);
                    case "--rate" -> o.rate = Integer.parseInt(v);
                    case "--latency-seconds" -> o.latencySeconds = Double.parseDouble(v);
                    case "--services" -> o.services = Integer.parseInt(v);
                    case "--isolation-events" -> o.isolationEvents = Integer.parseInt(v);
                    case "--isolation-runs" -> o.isolationRuns = Integer.parseInt(v);
                    case "--backlog" -> o.backlog = Integer.parseInt(v);
                    case "--small-backlog" -> o.smallBacklog = Integer.parseInt(v);
                    case "--ordered-rounds" -> o.orderedRounds = Integer.parseInt(v);
                    case "--throughput-rounds" -> o.throughputRounds = Integer.parseInt(v);
                    default -> {
                        return false;
                    }
                }
                return true;
            });
            if (!o.backend.equals("sqlite") && !o.backend.equals("postgres")) usage();
            return o;
        }

        static void usage() {
            System.err.println("""
                    usage: DeliveryBenchmark [--cases throughput,latency,isolation,backlog,ordered] [--backend sqlite|postgres]
                           [--sink-port 8089] [--events 50000] [--warmup-events 30000] [--warmup-jit-max 0.05] [--rate 1000] [--latency-seconds 20] [--services 10]
                           [--isolation-events 10000] [--isolation-runs 3] [--backlog 1000000] [--small-backlog 10000] [--ordered-rounds 5] [--throughput-rounds 3] [--work-dir DIR] [--jar JAR]
                           [--server-java-opts "-Xmx256m ..."]   (default: none, as ./herald start)""");
            System.exit(2);
        }
    }

    public static void main(String[] args) throws Exception {
        Options opt = Options.parse(args);
        DeliveryBenchmark b = new DeliveryBenchmark(opt);
        out.println("backend: " + opt.backend + "; server JVM options: "
                + opt.child.javaOpts("none (as ./herald start)"));
        for (String c : opt.cases) {
            switch (c) {
                case "throughput" -> b.throughput();
                case "ordered" -> b.ordered();
                case "latency" -> b.latency();
                case "isolation" -> b.isolation();
                case "backlog" -> b.backlog();
                default -> throw new IllegalArgumentException("unknown case " + c);
            }
        }
        System.exit(0);
    }

    private final Options opt;
    private long backlogRssMiB; // of the last backlog run (the large one)
    private final String sink;
    private final HttpClient api = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private DeliveryBenchmark(Options opt) {
        this.opt = opt;
        this.sink = "http://127.0.0.1:" + opt.sinkPort;
    }

    // ---------------------------------------------------------------- cases

    /**
     * Herald's delivery rate against the bare client's, measured in alternating rounds (bare, then
     * Herald, {@code --throughput-rounds} times) so that the machine's drift falls on both sides
     * alike: the bare client's rate moved by a fifth between runs minutes apart on the same machine.
     * The ratio of the medians is the result.
     */
    private void throughput() throws Exception {
        out.printf(Locale.ROOT, "== throughput: %,d events, one service, %d rounds each side alternating, sink %s%n", opt.events,
                opt.throughputRounds, sink);
        List<String> bareBodies = bodies("tp", opt.events);
        warmUpBare(); // both sides measured warm (JIT, connections)
        try (HeraldChild h = HeraldChild.launch(opt, "throughput")) {
            h.service("sink", sink + "/tp", null);
            long delivered = warmUp(h, "tpwarm", 1);
            double[] bare = new double[opt.throughputRounds], herald = new double[opt.throughputRounds];
            for (int round = 0; round < opt.throughputRounds; round++) {
                DeliveryCpu before = DeliveryCpu.now(h.pid());
                bare[round] = bareLoop(bareBodies);
                DeliveryCpu mid = DeliveryCpu.now(h.pid());
                List<String> bodies = bodies("tp" + round + "-", opt.events);
                double handedOffBefore = h.metric("herald_deliveries_handed_off_total");
                long start = System.nanoTime();
                ingestAll(h, bodies, 4);
                double ingested = (System.nanoTime() - start) / 1e9;
                long ingestedAt = System.currentTimeMillis();
                long deliveredBefore = delivered;
                delivered += opt.events;
                long end = h.awaitDelivered(delivered, Duration.ofMinutes(10));
                herald[round] = opt.events / ((end - start) / 1e9);
                DeliveryCpu after = DeliveryCpu.now(h.pid());
                out.printf(Locale.ROOT, "   round %d: bare Jetty client, %d in flight: %,.0f requests/s (other CPU %.0f%%)%n", round + 1,
                        opt.concurrency, bare[round], mid.otherBusy(before) * 100);
                out.printf(Locale.ROOT, "   round %d: ingest of the %,d events took %.2f s; %,d were delivered by then; %,.0f went"
                        + " from ingest straight to sending (hand-off), the rest through claims%n", round + 1, opt.events, ingested,
                        h.deliveredBy(ingestedAt) - deliveredBefore, h.metric("herald_deliveries_handed_off_total") - handedOffBefore);
                out.printf(Locale.ROOT, "   round %d: Herald end to end: %,.0f deliveries/s (%.2f; other CPU %.0f%%, %s, peak RSS %,d MiB)%n",
                        round + 1, herald[round], herald[round] / bare[round], after.otherBusy(mid) * 100, after.herald(mid),
                        h.peakRssMiB());
            }
            double rate = Summary.median(herald), reference = Summary.median(bare);
            double target = opt.backend.equals("sqlite") ? 0.5 : 0.35;
            out.printf(Locale.ROOT, "   RESULT throughput %s: median herald %,.0f/s, bare %,.0f/s, ratio %.2f (target >= %.2f)%n",
                    opt.backend, rate, reference, rate / reference, target);
            Summary.ratioAtLeast("delivery throughput vs bare client", opt.backend, Summary.perSecond(rate, "deliveries"),
                    Summary.perSecond(reference, "requests"), rate / reference, target);
        }
    }

    /**
     * Ordering per key: the same events delivered by a subscription ordered by {@code userid} (1,000
     * distinct learners) and by one without order, each on its own Herald, both started and warmed
     * alike, then measured in alternating rounds (the machine's drift falls on both sides alike); the
     * ratio of the medians is the result.
     */
    private void ordered() throws Exception {
        out.printf(Locale.ROOT, "== ordered: %,d events over 1,000 keys a round, %d rounds each side alternating, one service, sink %s%n",
                opt.events, opt.orderedRounds, sink);
        try (HeraldChild unordered = HeraldChild.launch(opt, "unordered"); HeraldChild ordered = HeraldChild.launch(opt, "ordered")) {
            HeraldChild[] sides = {unordered, ordered};
            unordered.service("sink", sink + "/ord", null, null);
            ordered.service("sink", sink + "/ord", null, "\"ordering_key\":\"userid\"");
            long[] delivered = new long[2];
            double[][] rates = new double[2][opt.orderedRounds];
            for (int side = 0; side < 2; side++) delivered[side] = warmUp(sides[side], "ordwarm", 1);
            for (int round = 0; round < opt.orderedRounds; round++) {
                for (int side = 0; side < 2; side++) {
                    List<String> bodies = bodies("ord" + round + "-", opt.events, 1000);
                    long start = System.nanoTime();
                    ingestAll(sides[side], bodies, 4);
                    delivered[side] += opt.events;
                    long end = sides[side].awaitDelivered(delivered[side], Duration.ofMinutes(10));
                    rates[side][round] = opt.events / ((end - start) / 1e9);
                }
                out.printf(Locale.ROOT, "   round %d: ordered by userid %,.0f deliveries/s, unordered %,.0f/s (%.2f)%n", round + 1,
                        rates[1][round], rates[0][round], rates[1][round] / rates[0][round]);
            }
            double orderedRate = Summary.median(rates[1]), unorderedRate = Summary.median(rates[0]);
            out.printf(Locale.ROOT, "   RESULT ordered %s: median ordered %,.0f/s, unordered %,.0f/s, ratio %.2f (target >= 0.8)%n",
                    opt.backend, orderedRate, unorderedRate, orderedRate / unorderedRate);
            Summary.ratioAtLeast("ordered by key vs unordered", opt.backend, Summary.perSecond(orderedRate, "deliveries"),
                    Summary.perSecond(unorderedRate, "deliveries"), orderedRate / unorderedRate, 0.8);
        }
    }

    private void latency() throws Exception {
        out.printf(Locale.ROOT, "== latency: %d events/s for %.0f s, one event per request%n", opt.rate, opt.latencySeconds);
        Map<String, Long> received = new ConcurrentHashMap<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/", ex -> {
            long at = System.nanoTime();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int i = body.indexOf("\"id\":\"");
            if (i >= 0) received.put(body.substring(i + 6, body.indexOf('"', i + 6)), at);
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        try (HeraldChild h = HeraldChild.launch(opt, "latency")) {
            h.service("timed", "http://127.0.0.1:" + receiver.getAddress().getPort(), null);
            long warmed = warmUp(h, "latwarm", 1);
            int n = (int) (opt.rate * opt.latencySeconds);
            List<String> bodies = bodies("lat", n);
            Map<String, Long> sent = new ConcurrentHashMap<>();
            AtomicLong failed = new AtomicLong();
            long start = System.nanoTime();
            long periodNanos = 1_000_000_000L / opt.rate;
            DeliveryCpu before = DeliveryCpu.now(h.pid());
            // The load generator's own CPU is taken from Herald on 2 shared cores: 32 keep-alive sockets
            // (the ingest benchmark's minimal client) rather than a general HTTP client per request.
            URI ingest = URI.create("http://127.0.0.1:" + h.port + "/api/v1/events");
            ExecutorService senders = Executors.newFixedThreadPool(32, Thread.ofPlatform().daemon().factory());
            try (IngestClients.SocketClient client = new IngestClients.SocketClient()) {
                for (int i = 0; i < n; i++) {
                    long due = start + i * periodNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait); // the pacer: one event every 1/rate s
                    String id = "lat-" + i;
                    String body = bodies.get(i);
                    senders.submit(() -> {
                        long at = System.nanoTime();
                        try {
                            client.post(ingest, KEY, body);
                            sent.put(id, at); // only acknowledged events are timed
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    });
                }
                senders.shutdown();
                if (!senders.awaitTermination(5, TimeUnit.MINUTES)) throw new IllegalStateException("ingest requests hang");
            }
            if (failed.get() > 0) out.printf(Locale.ROOT, "   %d ingest requests failed%n", failed.get());
            h.awaitDelivered(warmed + sent.size(), Duration.ofMinutes(5));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (received.size() < sent.size() && System.nanoTime() < deadline) Thread.sleep(10);
            long[] lat = sent.entrySet().stream().filter(e -> received.containsKey(e.getKey()))
                    .mapToLong(e -> received.get(e.getKey()) - e.getValue()).sorted().toArray();
            out.printf(Locale.ROOT, "   RESULT latency %s at %d/s: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d of %d timed,"
                            + " other CPU %.0f%%)%n", opt.backend, opt.rate, pct(lat, 0.5), pct(lat, 0.99), pct(lat, 1.0),
                    lat.length, sent.size(), DeliveryCpu.now(h.pid()).otherBusy(before) * 100);
            boolean sqlite = opt.backend.equals("sqlite"); // the latency targets are SQLite's
            Summary.valueAtMost("latency p50 at " + opt.rate + "/s", opt.backend, pct(lat, 0.5), Summary.ms(pct(lat, 0.5)), "-",
                    Double.NaN, sqlite ? 5 : Double.NaN, "ms");
            Summary.valueAtMost("latency p99 at " + opt.rate + "/s", opt.backend, pct(lat, 0.99), Summary.ms(pct(lat, 0.99)), "-",
                    Double.NaN, sqlite ? 25 : Double.NaN, "ms");
        } finally {
            receiver.stop(0);
        }
    }

    /**
     * Healthy services' delivery rate with half the services hanging against none hanging, in pairs
     * of runs, the pair's order alternating (all healthy first, then half hanging first) so that
     * neither side always runs on a warmer machine. The ratio of the medians is the result, as in
     * the throughput case: the best of each side, used before, followed a single lucky run (one
     * all-healthy run half again as fast as the others moved it from 1.06 to 0.74).
     */
    private void isolation() throws Exception {
        int k = opt.services;
        out.printf(Locale.ROOT, "== isolation: %d services, %,d events each to all of them, %d pairs of runs, order alternating%n", k,
                opt.isolationEvents, opt.isolationRuns);
        double[] allHealthy = new double[opt.isolationRuns];
        double[] halfHanging = new double[opt.isolationRuns];
        try (DeliveryReceivers.Hang hang = new DeliveryReceivers.Hang(); DeliveryReceivers.SlowReceiver slow = new DeliveryReceivers.SlowReceiver()) {
            for (int run = 0; run < opt.isolationRuns; run++) {
                if (run % 2 == 0) {
                    allHealthy[run] = isolationRun(k, 0, hang, slow);
                    halfHanging[run] = isolationRun(k, k / 2, hang, slow);
                } else {
                    halfHanging[run] = isolationRun(k, k / 2, hang, slow);
                    allHealthy[run] = isolationRun(k, 0, hang, slow);
                }
                out.printf(Locale.ROOT, "   pair %d: %,.0f / %,.0f, ratio %.2f%n", run + 1, allHealthy[run], halfHanging[run],
                        halfHanging[run] / allHealthy[run]);
            }
        }
        double healthy = Summary.median(allHealthy), hanging = Summary.median(halfHanging);
        out.printf(Locale.ROOT, "   RESULT isolation %s: median healthy deliveries/s all healthy %,.0f, half hanging %,.0f,"
                + " ratio %.2f (target >= 0.9)%n", opt.backend, healthy, hanging, hanging / healthy);
        Summary.ratioAtLeast("isolation: half the services hanging vs none", opt.backend, Summary.perSecond(hanging, "healthy deliveries"),
                Summary.perSecond(healthy, "healthy deliveries"), hanging / healthy, 0.9);
    }

    private double isolationRun(int services, int hanging, DeliveryReceivers.Hang hang, DeliveryReceivers.SlowReceiver slow) throws Exception {
        try (HeraldChild h = HeraldChild.launch(opt, "isolation-" + hanging)) {
            for (int i = 0; i < services; i++) h.service("s" + i, sink + "/s" + i, null);
            // Warm, all healthy (like the other cases), then the first `hanging` services stop answering.
            long warm = warmUp(h, "isowarm" + hanging, services, 0);
            // Both configurations then warm the slow-send path too, with an extra service answering after
            // 150 ms, which is switched off before measuring. Otherwise the hang is the first slow send the
            // JIT sees: deoptimizing the compiled send path then left the half-hanging run on slower code
            // for seconds (measured: ratios 0.76 to 0.98 from run to run).
            String warmSlow = h.service("warm-slow", slow.url(), null);
            h.serviceIds.remove(warmSlow); // not one of the measured services
            warm += warmUp(h, "isowarmslow" + hanging, services + 1, warm * services);
            h.patch("/api/v1/services/" + warmSlow, "{\"enabled\":false}");
            for (int i = 0; i < hanging; i++) {
                h.patch("/api/v1/services/" + h.serviceIds.get(i), "{\"url\":\"" + hang.url() + "\",\"timeout_ms\":10000}");
            }
            int healthy = services - hanging;
            // The events are stored first, with deliveries off, so that what is measured is the services'
            // delivery throughput: ingesting 10 deliveries per event would otherwise weigh on half as many
            // counted deliveries in the half-hanging run.
            h.put("/api/v1/settings", "{\"deliveries_enabled\":false}");
            ingestAll(h, bodies("iso" + hanging, opt.isolationEvents), 4);
            DeliveryCpu before = DeliveryCpu.now(h.pid());
            long start = System.nanoTime();
            h.put("/api/v1/settings", "{\"deliveries_enabled\":true}");
            long end = h.awaitDeliveredToHealthy((long) healthy * (warm + opt.isolationEvents), hanging, Duration.ofMinutes(10));
            double rate = healthy * opt.isolationEvents / ((end - start) / 1e9);
            DeliveryCpu after = DeliveryCpu.now(h.pid());
            out.printf(Locale.ROOT, "   %d healthy + %d hanging: %,.0f healthy deliveries/s (other CPU %.0f%%, %s)%n", healthy,
                    hanging, rate, after.otherBusy(before) * 100, after.herald(before));
            return rate;
        }
    }

    private void backlog() throws Exception {
        double small = backlogRun(opt.smallBacklog);
        double large = backlogRun(opt.backlog);
        out.printf(Locale.ROOT, "   RESULT backlog %s: drain %,.0f/s (%,d) vs %,.0f/s (%,d), ratio %.2f (target >= 0.9)%n",
                opt.backend, large, opt.backlog, small, opt.smallBacklog, large / small);
        Summary.ratioAtLeast(String.format(Locale.ROOT, "backlog drain %,d vs %,d", opt.backlog, opt.smallBacklog), opt.backend,
                Summary.perSecond(large, "deliveries"), Summary.perSecond(small, "deliveries"), large / small, 0.9);
        Summary.valueAtMost(String.format(Locale.ROOT, "peak RSS, drain of %,d", opt.backlog), opt.backend, backlogRssMiB,
                backlogRssMiB + " MiB", "-", Double.NaN, 512, "MiB");
    }

    private double backlogRun(int n) throws Exception {
        out.printf(Locale.ROOT, "== backlog of %,d deliveries%n", n);
        try (HeraldChild h = HeraldChild.launch(opt, "backlog-" + n)) {
            h.service("sink", sink + "/backlog", null);
            h.put("/api/v1/settings", "{\"deliveries_enabled\":false}");
            long t = System.nanoTime();
            for (int from = 0; from < n; from += 100_000) {
                ingestAll(h, bodies("bl" + from + "-", Math.min(100_000, n - from)), 4);
            }
            out.printf(Locale.ROOT, "   ingested in %.0f s; RSS %,d MiB%n", (System.nanoTime() - t) / 1e9, h.rssMiB());
            DeliveryCpu before = DeliveryCpu.now(h.pid());
            long start = System.nanoTime();
            h.put("/api/v1/settings", "{\"deliveries_enabled\":true}");
            long end = h.awaitDelivered(n, Duration.ofHours(1));
            double rate = n / ((end - start) / 1e9);
            backlogRssMiB = h.peakRssMiB();
            out.printf(Locale.ROOT, "   RESULT drain of %,d: %,.0f deliveries/s, peak RSS during the drain %,d MiB"
                            + " (target <= 512), other CPU %.0f%%%n", n, rate, h.peakRssMiB(), DeliveryCpu.now(h.pid()).otherBusy(before) * 100);
            return rate;
        }
    }

    /**
     * Warms Herald in rounds of about 10,000 deliveries (all services healthy): at least
     * {@code --warmup-events} events' worth, then until a round in which Herald's JIT compilers used
     * under {@code --warmup-jit-max} of its CPU (at most 40 rounds). On 2 shared cores C2 was still
     * taking a quarter of the machine after 30,000 events; measuring then measures the compiler.
     * Returns the deliveries made.
     */
    private long warmUp(HeraldChild h, String tag, int deliveriesPerEvent) throws Exception {
        return warmUp(h, tag, deliveriesPerEvent, 0) * deliveriesPerEvent;
    }

    /** The same, counting from {@code alreadyDelivered} deliveries; returns the events sent. */
    private long warmUp(HeraldChild h, String tag, int deliveriesPerEvent, long alreadyDelivered) throws Exception {
        int round = Math.max(1, 10_000 / deliveriesPerEvent);
        long[] delivered = {alreadyDelivered};
        int rounds = untilJitSettles(h.pid(), r -> {
            ingestAll(h, bodies(tag + r + "-", round), 4);
            delivered[0] += (long) round * deliveriesPerEvent;
            h.awaitDelivered(delivered[0], Duration.ofMinutes(10));
        }, "Herald's", (long) round);
        return (long) rounds * round;
    }

    /** The bare loop's warm-up, by the same rule as Herald's, on this JVM's compilers. */
    private void warmUpBare() throws Exception {
        untilJitSettles(ProcessHandle.current().pid(), r -> bareLoop(bodies("tpwarm" + r + "-", 10_000)), "the bare client's", 10_000);
    }

    private int untilJitSettles(long pid, JitWarmup.Round round, String whose, long eventsPerRound) throws Exception {
        return JitWarmup.untilSettled(pid, Math.max(1, (opt.warmupEvents + 9_999) / 10_000), 40, opt.warmupJitMax, round, whose,
                eventsPerRound, out);
    }

    static boolean isCompiler(String threadName) {
        return threadName.startsWith("C1 Compiler") || threadName.startsWith("C2 Compiler");
    }

    // ---------------------------------------------------------------- load

    /** Event documents with ids {@code tag-0 …}, as an LMS would send them (about 500 bytes). */
    static List<String> bodies(String tag, int n) {
        return bodies(tag, n, 997);
    }

    /** The same, the {@code userid} of event i being i modulo {@code users}. */
    static List<String> bodies(String tag, int n, int users) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add("{\"id\":\"" + tag + "-" + i + "\",\"eventname\":\"\\\\core\\\\event\\\\course_viewed\",\"component\":\"core\","
                    + "\"action\":\"viewed\",\"target\":\"course\",\"objecttable\":null,\"objectid\":null,\"crud\":\"r\","
                    + "\"edulevel\":2,\"contextid\":" + (1000 + i % 50) + ",\"contextlevel\":50,\"contextinstanceid\":\""
                    + (i % 50) + "\",\"userid\":\"" + (i % users) + "\",\"courseid\":\"" + (i % 50) + "\",\"relateduserid\":null,"
                    + "\"anonymous\":0,\"other\":null,\"timecreated\":1700000000}");
        }
        return out;
    }

    /** Posts the events in batches of 500 from {@code senders} threads. */
    static void ingestAll(HeraldChild h, List<String> bodies, int senders) throws Exception {
        List<String> batches = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i += 500) {
            batches.add("[" + String.join(",", bodies.subList(i, Math.min(bodies.size(), i + 500))) + "]");
        }
        AtomicLong next = new AtomicLong();
        try (var pool = Executors.newFixedThreadPool(senders)) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                done.add(pool.submit(() -> {
                    for (long b; (b = next.getAndIncrement()) < batches.size(); ) h.post("/api/v1/events", batches.get((int) b));
                    return null;
                }));
            }
            for (var f : done) f.get();
        }
    }

    /** The reference: Jetty's client posting the same bodies to the same sink, {@code concurrency} at a time. */
    private double bareLoop(List<String> bodies) throws Exception {
        var http = new org.eclipse.jetty.client.HttpClient();
        http.setFollowRedirects(false);
        http.setMaxConnectionsPerDestination(opt.concurrency);
        http.start();
        try {
            Semaphore slots = new Semaphore(opt.concurrency);
            AtomicLong failed = new AtomicLong();
            long start = System.nanoTime();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (String body : bodies) {
                    slots.acquire();
                    pool.submit(() -> {
                        try {
                            var r = http.newRequest(sink + "/bare").method("POST").timeout(10, TimeUnit.SECONDS)
                                    .body(new BytesRequestContent("application/json", body.getBytes(StandardCharsets.UTF_8)))
                                    .send();
                            if (r.getStatus() != 200) failed.incrementAndGet();
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        } finally {
                            slots.release();
                        }
                    });
                }
            }
            if (failed.get() > 0) throw new IllegalStateException(failed.get() + " bare requests failed");
            return bodies.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            http.stop();
        }
    }

    static double pct(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) return 0;
        int i = Math.min(sortedNanos.length - 1, Math.max(0, (int) Math.ceil(q * sortedNanos.length) - 1));
        return sortedNanos[i] / 1e6;
    }

}

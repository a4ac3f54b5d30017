package herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Event;
import herald.json.Json;
import herald.rendering.Formats;
import herald.rendering.RenderException;
import herald.rendering.Renderer;
import herald.subscription.Service;
import herald.subscription.ServiceJson;
import herald.subscription.Subscription;
import herald.subscription.SubscriptionJson;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rendering benchmark: renders per second of {@link Renderer#render} for every format and encoding
 * over the real Moodle 4.3 log rows (as stored events), against a reference measured in the same
 * run: plain Jackson reading the same stored event and writing it back ({@code Json.read} +
 * {@code Json.write}), which is the least any rendering does. One thread; no I/O.
 *
 * <p>Options: {@code --fixtures DIR} (default {@code ../shared/fixtures/moodle-4.3}),
 * {@code --seconds N} (one measured slice, default 2; each case gets three slices, each beside a slice
 * of the reference), {@code --warmup-seconds N} (per case, default 3).
 */
public final class RenderBenchmark {
    private static final String TEMPLATE = """
            {"event": "{{eventname}}", "user": {{userid}}, "course": {{courseid}}, "when": {{timecreated}},
             "other": {{other}}{{#record}}, "record": {{.}}{{/record}}}""";

    private static final String REFERENCE = "reference: Jackson read + write";
    private static final int ROUNDS = 3;

    private RenderBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path fixtures = Path.of("../shared/fixtures/moodle-4.3");
        double seconds = 2, warmup = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fixtures" -> fixtures = Path.of(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--warmup-seconds" -> warmup = Double.parseDouble(args[++i]);
                default -> {
                    System.err.println("usage: RenderBenchmark [--fixtures DIR] [--seconds N] [--warmup-seconds N]");
                    System.exit(2);
                }
            }
        }
        List<String> events = events(fixtures);
        Service json = service("{}");
        Service form = service("{\"content_type\": \"form\"}");
        Service brackets = service("{\"content_type\": \"form\", \"form_style\": \"brackets\"}");
        Renderer renderer = new Renderer();

        Map<String, Case> cases = new LinkedHashMap<>();
        cases.put(REFERENCE, e -> Json.write(Json.read(e)).length());
        for (String format : new Formats().names()) {
            Subscription sub = subscription(format);
            cases.put(format + " json", e -> renderer.render(null, e, json, sub).body().length);
        }
        cases.put("moodle form underscore", renderCase(renderer, form, subscription("moodle")));
        cases.put("moodle form brackets", renderCase(renderer, brackets, subscription("moodle")));
        cases.put("nosey form brackets", renderCase(renderer, brackets, subscription("nosey")));

        System.out.printf(Locale.ROOT, "rows: %d stored events from %s; every case warmed up %.0f s, then %d rounds of"
                + " %.1f s reference + %.1f s case, 1 thread%n", events.size(), fixtures, warmup, ROUNDS, seconds, seconds);
        for (Case c : cases.values()) run(c, events, warmup);
        Case reference = cases.remove(REFERENCE);
        System.out.printf(Locale.ROOT, "%-28s %12s %14s %9s %12s%n", "case", "renders/s", "reference/s", "ratio", "other CPU %");
        for (var c : cases.entrySet()) {
            // The reference runs beside each case, slice by slice, so both see the same machine load.
            double caseRate = 0, refRate = 0;
            Cpu before = Cpu.now();
            for (int round = 0; round < ROUNDS; round++) {
                refRate += run(reference, events, seconds) / ROUNDS;
                caseRate += run(c.getValue(), events, seconds) / ROUNDS;
            }
            double otherCpu = Cpu.now().otherBusySince(before);
            System.out.printf(Locale.ROOT, "%-28s %12.0f %14.0f %8.2fx %11.0f%%%n", c.getKey(), caseRate, refRate,
                    caseRate / refRate, otherCpu * 100);
        }
    }

    @FunctionalInterface
    interface Case {
        int run(String event) throws RenderException;
    }

    private static Case renderCase(Renderer r, Service svc, Subscription sub) {
        return e -> r.render(null, e, svc, sub).body().length;
    }

    /** Renders the rows round after round for {@code seconds}; returns renders per second. */
    private static double run(Case c, List<String> events, double seconds) throws RenderException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime(), n = 0, sink = 0;
        while (System.nanoTime() < end) {
            for (String e : events) sink += c.run(e);
            n += events.size();
        }
        if (sink == 42) System.out.print(""); // keeps the work observable
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static List<String> events(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("logstore_standard_log.jsonl"))) {
            if (line.isBlank()) continue;
            JsonNode row = Json.read(line);
            ObjectNode e = Json.object();
            e.put("id", "log-" + row.get("id").asText());
            for (String f : Event.MOODLE_FIELDS) e.set(f, row.get(f));
            e.put("source", "http://127.0.0.1:8090");
            out.add(Json.write(e));
        }
        return out;
    }

    private static Service service(String extra) {
        ObjectNode o = Json.object().put("name", "bench").put("url", "https://receiver.example/hook");
        o.setAll((ObjectNode) Json.read(extra));
        return ServiceJson.parse(o, null);
    }

    private static Subscription subscription(String format) {
        ObjectNode o = Json.object().put("service_id", "svc_bench").put("format", format);
        o.putArray("events").add("*");
        if (format.equals("template")) o.put("template", TEMPLATE);
        return SubscriptionJson.parse(o, null, new Formats());
    }

    /** Machine CPU from /proc/stat and this process's CPU time: what the rest of the machine used. */
    private record Cpu(long busyTicks, long totalTicks, long processNanos, long wallNanos) {
        static Cpu now() {
            ProcCpu.Machine m = ProcCpu.machine();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return new Cpu(m.busyTicks(), m.totalTicks(), os.getProcessCpuTime(), System.nanoTime());
        }

        /** Share of the whole machine (all cores) busy with other processes since {@code before}. */
        double otherBusySince(Cpu before) {
            long total = totalTicks - before.totalTicks;
            if (total <= 0) return 0;
            double machineBusy = (double) (busyTicks - before.busyTicks) / total;
            int cores = Runtime.getRuntime().availableProcessors();
            double self = (processNanos - before.processNanos) / (double) (wallNanos - before.wallNanos) / cores;
            return Math.max(0, machineBusy - self);
        }
    }
}

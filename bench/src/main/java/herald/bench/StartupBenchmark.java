package herald.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Start-up and idle memory of the built server jar, started as {@code ./herald start} does (the
 * launcher's JVM options): time from the process's start to the first 200 from {@code /health}, on
 * a fresh SQLite data directory and on an existing one (median of {@code --runs}); the resident set
 * (VmRSS from /proc) once it has settled after start-up. The reference, in the same run, is a bare
 * JVM with the same options running a trivial main ({@link StartupReference}): time to its first
 * line of output, and its settled RSS. Targets: ≤ 1.5 s to healthy, ≤ 200 MiB idle RSS.
 */
public final class StartupBenchmark {
    private static final String KEY = "bench-admin-key-0123456789abcdef";

    private int runs = 5;
    private double settleSeconds = 30;
    private Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
    private Path jar = Path.of("server/target/herald.jar");
    private List<String> javaOpts = List.of();
    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    /** CPU time (user + system, all threads) each Herald start had used when it first answered. */
    private final List<Long> heraldCpuMs = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        StartupBenchmark b = new StartupBenchmark();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) usage();
            String v = args[i + 1];
            switch (args[i]) {
                case "--runs" -> b.runs = Integer.parseInt(v);
                case "--settle-seconds" -> b.settleSeconds = Double.parseDouble(v);
                case "--work-dir" -> b.workDir = Path.of(v);
                case "--jar" -> b.jar = Path.of(v);
                case "--server-java-opts" -> b.javaOpts = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
                default -> usage();
            }
        }
        b.run();
        System.exit(0);
    }

    private static void usage() {
        System.err.println("usage: StartupBenchmark [--runs 5] [--settle-seconds 30] [--work-dir DIR] [--jar JAR]"
                + " [--server-java-opts \"-Xmx320m ...\"]");
        System.exit(2);
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "== startup: %s, JVM options %s, %d runs each; load average %s%n", jar,
                javaOpts.isEmpty() ? "none" : String.join(" ", javaOpts), runs, loadAverage());
        // The reference first, then Herald on fresh directories, then on the last of them again.
        double[] bare = new double[runs];
        long bareRss = 0;
        for (int i = 0; i < runs; i++) {
            boolean last = i == runs - 1;
            long[] r = bareJvm(last);
            bare[i] = r[0] / 1e6;
            if (last) bareRss = r[1];
        }
        double[] fresh = new double[runs];
        double[] existing = new double[runs];
        long freshRss = 0;
        long existingRss = 0;
        Path dir = null;
        for (int i = 0; i < runs; i++) {
            dir = Files.createTempDirectory(workDir, "startup-");
            long[] r = herald(dir, i == runs - 1);
            fresh[i] = r[0] / 1e6;
            if (i == runs - 1) freshRss = r[1];
        }
        for (int i = 0; i < runs; i++) {
            long[] r = herald(dir, i == runs - 1);
            existing[i] = r[0] / 1e6;
            if (i == runs - 1) existingRss = r[1];
        }
        System.out.printf(Locale.ROOT, "   bare JVM (trivial main) to first output: %s ms, idle RSS %,d MiB%n", list(bare), bareRss / 1024);
        System.out.printf(Locale.ROOT, "   Herald to /health 200, fresh data dir:    %s ms, idle RSS %,d MiB%n", list(fresh), freshRss / 1024);
        System.out.printf(Locale.ROOT, "   Herald to /health 200, existing data dir: %s ms, idle RSS %,d MiB%n", list(existing),
                existingRss / 1024);
        System.out.printf(Locale.ROOT, "   Herald's CPU time (all threads) when healthy, fresh then existing: %s ms; load average now %s%n",
                heraldCpuMs, loadAverage());
        double b = Summary.median(bare);
        double f = Summary.median(fresh);
        double e = Summary.median(existing);
        System.out.printf(Locale.ROOT, "   RESULT startup sqlite: median fresh %.0f ms, existing %.0f ms, bare JVM %.0f ms (target <= 1500 ms);"
                + " idle RSS %,d / %,d MiB, bare JVM %,d MiB (target <= 200 MiB)%n", f, e, b, freshRss / 1024, existingRss / 1024, bareRss / 1024);
        Summary.valueAtMost("start-up to healthy, fresh data dir", "sqlite", f, String.format(Locale.ROOT, "%.0f ms", f),
                String.format(Locale.ROOT, "bare JVM %.0f ms", b), f / b, 1500, "ms");
        Summary.valueAtMost("start-up to healthy, existing data dir", "sqlite", e, String.format(Locale.ROOT, "%.0f ms", e),
                String.format(Locale.ROOT, "bare JVM %.0f ms", b), e / b, 1500, "ms");
        long rss = Math.max(freshRss, existingRss) / 1024;
        Summary.valueAtMost("idle RSS after start-up", "sqlite", rss, rss + " MiB", "bare JVM " + bareRss / 1024 + " MiB",
                (double) rss / Math.max(1, bareRss / 1024), 200, "MiB");
    }

    /** {nanos to healthy, settled RSS KiB or 0}. */
    private long[] herald(Path dir, boolean measureRss) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        cmd.addAll(javaOpts);
        cmd.addAll(List.of("-jar", jar.toString(), "start"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("HERALD_"));
        pb.environment().put("HERALD_HTTP_PORT", Integer.toString(port));
        pb.environment().put("HERALD_DATA_DIR", dir.toString());
        pb.environment().put("HERALD_ADMIN_KEY", KEY);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("herald.log").toFile()));
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            long deadline = t0 + 60_000_000_000L;
            while (!healthy(port)) {
                if (!p.isAlive()) throw new IllegalStateException("herald exited; see " + dir.resolve("herald.log"));
                if (System.nanoTime() > deadline) throw new IllegalStateException("not healthy in 60 s");
                Thread.sleep(5);
            }
            long took = System.nanoTime() - t0;
            heraldCpuMs.add(ProcCpu.ticks((pid, name) -> pid == p.pid()) * 10); // 100 ticks a second on Linux
            return new long[] {took, measureRss ? settledRss(p) : 0};
        } finally {
            stop(p);
        }
    }

    /** {nanos to the first line of output, settled RSS KiB or 0}. */
    private long[] bareJvm(boolean measureRss) throws Exception {
        String classes = Path.of(StartupReference.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        cmd.addAll(javaOpts);
        cmd.addAll(List.of("-cp", classes, StartupReference.class.getName()));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            if (r.readLine() == null) throw new IllegalStateException("the reference JVM printed nothing");
            long took = System.nanoTime() - t0;
            return new long[] {took, measureRss ? settledRss(p) : 0};
        } finally {
            p.getOutputStream().close(); // the reference exits when its input ends
            stop(p);
        }
    }

    /** One plain HTTP/1.1 request; false while nothing listens or the answer is not 200. */
    private static boolean healthy(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return status != null && status.startsWith("HTTP/1.1 200");
        } catch (IOException notYet) {
            return false;
        }
    }

    /**
     * VmRSS once it has settled: sampled every 500 ms, settled when the last 10 s of samples stay
     * within 2 MiB, or after {@code --settle-seconds}. Ten seconds outlast the launcher's periodic
     * collection of an idle heap (every 5 s), so the figure is what an idle server keeps, not what
     * it held before its first idle collection (a 3 s window had stopped there).
     */
    private long settledRss(Process p) throws InterruptedException {
        List<Long> samples = new ArrayList<>();
        long end = System.nanoTime() + (long) (settleSeconds * 1e9);
        while (System.nanoTime() < end) {
            samples.add(rssKiB(p.pid()));
            int n = samples.size();
            if (n >= 21) {
                List<Long> last = samples.subList(n - 21, n);
                if (last.stream().mapToLong(Long::longValue).max().getAsLong()
                        - last.stream().mapToLong(Long::longValue).min().getAsLong() <= 2048) break;
            }
            Thread.sleep(500);
        }
        return samples.get(samples.size() - 1);
    }

    static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        } catch (IOException | RuntimeException e) {
            // exited
        }
        return 0;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    }

    private static String list(double[] v) {
        return String.join(", ", Arrays.stream(v).mapToObj(x -> String.format(Locale.ROOT, "%.0f", x)).toList());
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).trim().split(" "), 3));
        } catch (IOException e) {
            return "?";
        }
    }
}

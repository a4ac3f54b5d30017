package herald.bench;

import herald.app.Herald;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** CPU accounting for the benchmarks: the machine's busy time from /proc/stat and this process's threads by group. */
final class MachineCpu {
    private MachineCpu() {}

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
}

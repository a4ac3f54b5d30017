package herald.bench;

import java.util.Locale;

/**
 * Machine-wide CPU from /proc/stat, and the part of it used by this run's own processes (this
 * JVM, the Herald child, nginx, PostgreSQL): what is left is other load on the shared machine.
 */
record DeliveryCpu(long busy, long total, long ours, long herald, long heraldJit, long postgres) {
    /** Now, with {@code herald} (the child measured; -1 for none) counted as ours. */
    static DeliveryCpu now(long herald) {
        long self = ProcessHandle.current().pid();
        ProcCpu.Machine m = ProcCpu.machine();
        long h = herald;
        return new DeliveryCpu(m.busyTicks(), m.totalTicks(), ProcCpu.ticks((pid, name) ->
                pid == self || pid == h || name.equals("postgres") || name.equals("nginx")),
                h < 0 ? 0 : ProcCpu.threadTicks(h, name -> true),
                h < 0 ? 0 : ProcCpu.threadTicks(h, DeliveryBenchmark::isCompiler),
                ProcCpu.ticks((pid, name) -> name.equals("postgres")));
    }

    /** Herald's share of the machine since {@code before}, and its JIT compilers' part of it (0-1 each). */
    String herald(DeliveryCpu before) {
        long t = total - before.total;
        if (t == 0) return "";
        String pg = postgres == before.postgres ? ""
                : String.format(Locale.ROOT, ", PostgreSQL %.0f%%", 100.0 * (postgres - before.postgres) / t);
        return String.format(Locale.ROOT, "Herald %.0f%% of the machine, its JIT compilers %.0f%%%s, machine idle %.0f%%",
                100.0 * (herald - before.herald) / t, 100.0 * (heraldJit - before.heraldJit) / t, pg,
                100.0 * (t - (busy - before.busy)) / t);
    }

    /** The share of the machine used by other processes since {@code before}. */
    double otherBusy(DeliveryCpu before) {
        long t = total - before.total;
        return t == 0 ? 0 : Math.max(0, (double) (busy - before.busy - (ours - before.ours)) / t);
    }
}

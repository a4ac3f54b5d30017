package herald.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Warming a process in rounds until its JIT compilers settle, so that both sides of a comparison
 * are measured on compiled code: at least {@code minRounds}, then until a round in which the
 * compiler threads of each process in {@code pids} used under {@code jitMax} of its CPU, at most
 * {@code maxRounds}.
 */
final class JitWarmup {
    private JitWarmup() {}

    interface Round {
        void run(int round) throws Exception;
    }

    /** Runs the rounds, prints what they took, and returns how many ran. */
    static int untilSettled(long pid, int minRounds, int maxRounds, double jitMax, Round round, String whose,
                            long eventsPerRound, PrintStream out) throws Exception {
        return untilSettled(List.of(pid), minRounds, maxRounds, jitMax, round, whose, eventsPerRound, out);
    }

    /** The same for several processes (nodes): the round's JIT share is that of the least settled one. */
    static int untilSettled(List<Long> pids, int minRounds, int maxRounds, double jitMax, Round round, String whose,
                            long eventsPerRound, PrintStream out) throws Exception {
        double jit = 1;
        int r = 0;
        while (r < maxRounds && (r < minRounds || jit > jitMax)) {
            long[] all = new long[pids.size()];
            long[] compilers = new long[pids.size()];
            for (int i = 0; i < pids.size(); i++) {
                all[i] = ProcCpu.threadTicks(pids.get(i), name -> true);
                compilers[i] = ProcCpu.threadTicks(pids.get(i), DeliveryBenchmark::isCompiler);
            }
            round.run(r);
            jit = 0;
            for (int i = 0; i < pids.size(); i++) {
                long used = ProcCpu.threadTicks(pids.get(i), name -> true) - all[i];
                long compiled = ProcCpu.threadTicks(pids.get(i), DeliveryBenchmark::isCompiler) - compilers[i];
                jit = Math.max(jit, used <= 0 ? 0 : (double) compiled / used);
            }
            r++;
        }
        out.printf(Locale.ROOT, "   warm-up: %,d events in %d rounds; %s JIT compilers in the last round: %.0f%% of its CPU%n",
                r * eventsPerRound, r, whose, jit * 100);
        return r;
    }
}

package herald.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Warming a process in rounds until its JIT compilers settle, so that both sides of a comparison
 * are measured on compiled code: at least {@code minRounds}, then until a round in which process
 * {@code pid}'s compiler threads used under {@code jitMax} of its CPU, at most {@code maxRounds}.
 */
final class JitWarmup {
    private JitWarmup() {}

    interface Round {
        void run(int round) throws Exception;
    }

    /** Runs the rounds, prints what they took, and returns how many ran. */
    static int untilSettled(long pid, int minRounds, int maxRounds, double jitMax, Round round, String whose,
                            long eventsPerRound, PrintStream out) throws Exception {
        double jit = 1;
        int r = 0;
        while (r < maxRounds && (r < minRounds || jit > jitMax)) {
            long all = ProcCpu.threadTicks(pid, name -> true);
            long compilers = ProcCpu.threadTicks(pid, DeliveryBenchmark::isCompiler);
            round.run(r);
            long used = ProcCpu.threadTicks(pid, name -> true) - all;
            jit = used <= 0 ? 0 : (double) (ProcCpu.threadTicks(pid, DeliveryBenchmark::isCompiler) - compilers) / used;
            r++;
        }
        out.printf(Locale.ROOT, "   warm-up: %,d events in %d rounds; %s JIT compilers in the last round: %.0f%% of its CPU%n",
                r * eventsPerRound, r, whose, jit * 100);
        return r;
    }
}

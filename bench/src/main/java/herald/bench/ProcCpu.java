package herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiPredicate;

/** CPU accounting from Linux's /proc, shared by the benchmarks; zeros where there is no /proc. */
final class ProcCpu {
    private ProcCpu() {}

    /** Clock ticks since boot, all cores: busy (all but idle and iowait) and total. */
    record Machine(long busyTicks, long totalTicks) {}

    static Machine machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user … steal; guest time is already in user
                long v = Long.parseLong(f[i]);
                total += v;
                if (i != 4 && i != 5) busy += v; // idle, iowait
            }
            return new Machine(busy, total);
        } catch (IOException | RuntimeException e) {
            return new Machine(0, 0);
        }
    }

    /** utime + stime, in clock ticks, of every process {@code which} accepts by pid and command name. */
    static long ticks(BiPredicate<Long, String> which) {
        long sum = 0;
        try (var dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path d : dirs) {
                try {
                    long pid = Long.parseLong(d.getFileName().toString());
                    String st = Files.readString(d.resolve("stat"));
                    int close = st.lastIndexOf(')');
                    if (!which.test(pid, st.substring(st.indexOf('(') + 1, close))) continue;
                    String[] f = st.substring(close + 2).split(" ");
                    sum += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                } catch (IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return sum;
    }

    /** utime + stime, in clock ticks, of the threads of process {@code pid} whose name {@code which} accepts. */
    static long threadTicks(long pid, java.util.function.Predicate<String> which) {
        long sum = 0;
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks) {
                try {
                    String st = Files.readString(t.resolve("stat"));
                    int close = st.lastIndexOf(')');
                    if (!which.test(st.substring(st.indexOf('(') + 1, close))) continue;
                    String[] f = st.substring(close + 2).split(" ");
                    sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return sum;
    }
}

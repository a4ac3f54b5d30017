package herald.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The figures of one fault run — what was acknowledged, delivered, lost, duplicated, and the 5xx
 * answers — printed and appended to {@code target/reliability/figures.md} as a table row, so the
 * long runs of {@code bench/faults.sh} can be recorded in docs/reliability.md as they came out.
 *
 * <p>The scale: {@code -Dherald.faults=long} runs each fault at the size the issue names (20 kills
 * of 100,000 events, a two-minute outage); the default is the short version every test run has.
 */
record FaultFigures(String fault, String backend, long acknowledged, long delivered, long lost, long duplicated,
                    String answers, String note) {
    static final boolean LONG = "long".equals(System.getProperty("herald.faults"));

    /** {@code shortValue} in every test run, {@code longValue} under {@code -Dherald.faults=long}. */
    static int scale(int shortValue, int longValue) {
        return LONG ? longValue : shortValue;
    }

    void record() {
        String row = "| " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " | " + fault + " | " + backend + " | "
                + (LONG ? "long" : "short") + " | " + acknowledged + " | " + delivered + " | " + lost + " | " + duplicated
                + " | " + answers + " | " + note + " |";
        System.out.println("FAULT " + row);
        try {
            Path file = Path.of("target", "reliability", "figures.md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, row + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import herald.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `herald train`, the launcher's training run for the JVM's start-up cache, in a child JVM as the launcher runs it. */
class TrainCommandTest {

    @Test
    void startsAnswersItsRequestsAndStopsWithoutTouchingTheConfiguredData(@TempDir Path configured) throws Exception {
        long before = trainingDirs();
        var train = Cli.run(Map.of("HERALD_DATA_DIR", configured.toString(), "HERALD_HTTP_PORT", "1"), "train");
        assertThat(train.exitCode()).as(train.out() + train.err()).isZero(); // every request it made succeeded
        assertThat(train.out()).contains("herald.started").contains("herald.stopped");
        try (var left = Files.list(configured)) {
            assertThat(left).as("the operator's data directory").isEmpty();
        }
        assertThat(trainingDirs()).as("its own temporary directory is gone").isEqualTo(before);
    }

    private static long trainingDirs() throws Exception {
        try (var dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("herald-train")).count();
        }
    }
}

package herald.rendering;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files in {@code src/test/resources/golden}. A missing or different file fails the test and
 * the actual output is written to {@code target/golden-actual} for review; run with
 * {@code -Dherald.golden.update=true} to accept the outputs as the new golden files.
 */
final class Golden {
    private static final Path DIR = Path.of("src/test/resources/golden");

    private Golden() {}

    static void assertMatches(String name, String actual) {
        Path file = DIR.resolve(name);
        try {
            if (Boolean.getBoolean("herald.golden.update")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
            if (!actual.equals(expected)) {
                Path out = Path.of("target/golden-actual").resolve(name);
                Files.createDirectories(out.getParent());
                Files.writeString(out, actual, StandardCharsets.UTF_8);
            }
            assertThat(expected).as("golden file %s (actual output in target/golden-actual)", name).isNotNull();
            assertThat(actual).as("golden file %s", name).isEqualTo(expected);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

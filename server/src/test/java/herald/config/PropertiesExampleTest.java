package herald.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PropertiesExampleTest {
    /** The tests run in server/; the example lives at the repository's top. */
    private static final Path EXAMPLE = Path.of("..", "herald.properties.example");

    @Test
    void theExampleFileListsEverySettingWithItsDefault() throws Exception {
        Path example = EXAMPLE;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(example)) {
            p.load(r);
        }
        Map<String, String> listed = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> listed.put(k, p.getProperty(k)));
        Map<String, String> expected = new TreeMap<>();
        HeraldConfig.DEFAULTS.forEach((env, value) -> expected.put(HeraldConfig.fileKey(env), value));
        assertThat(listed).isEqualTo(expected);
    }

    @Test
    void theExampleFileIsAValidConfiguration() {
        assertThat(HeraldConfig.load(Map.of("HERALD_CONFIG", EXAMPLE.toString())).http().port()).isEqualTo(8080);
    }
}

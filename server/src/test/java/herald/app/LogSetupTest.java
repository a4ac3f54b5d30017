package herald.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import herald.config.HeraldConfig;
import herald.json.Json;
import herald.testing.ChildHerald;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logging Herald's processes get: the format HERALD_LOG_FORMAT picks, and libraries kept quiet. */
class LogSetupTest {
    @Test
    void plainLinesCarryTimeLevelThreadLoggerAndMessage() {
        String out = logged(null);
        assertThat(out).matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[main\\] herald\\.test delivery\\.sent id=1\\n");
    }

    @Test
    void jsonLinesCarryTheFormattedMessage() {
        String out = logged("json");
        assertThat(out).startsWith("{").contains("\"level\":\"INFO\"", "\"loggerName\":\"herald.test\"",
                "\"formattedMessage\":\"delivery.sent id=1\"").doesNotContain("\"arguments\"");
    }

    @Test
    void withJsonLogsEveryLineARunningHeraldWritesIsJson(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("stdout.log");
        Map<String, String> env = Map.of("HERALD_DATA_DIR", dir.resolve("data").toString(), "HERALD_LOG_FORMAT", "json",
                "HERALD_ADMIN_KEY", "test-admin-key-0123456789", "HERALD_ADMIN_USER", "ada",
                "HERALD_ADMIN_PASSWORD", "correct-horse-battery"); // nothing made to be shown once, in plain text
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (ChildHerald child = ChildHerald.start(env, port, out)) {
            assertThat(child.api("test-admin-key-0123456789").get("/api/v1/services").status()).isEqualTo(200);
        }
        // The child's standard error is in the file too: the JVM's own warnings (native access) are not Herald's lines.
        var lines = Files.readAllLines(out).stream().filter(l -> !l.isBlank() && !l.startsWith("WARNING: ")).toList();
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(Json.read(l).isObject()).as(l).isTrue());
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("herald.started"));
    }

    @Test
    void librariesLogOnlyWarningsAndHeraldInfo() {
        LoggerContext context = configured();
        try {
            assertThat(context.getLogger("org.eclipse.jetty.client").getEffectiveLevel()).isEqualTo(Level.WARN);
            assertThat(context.getLogger("com.zaxxer.hikari.pool").getEffectiveLevel()).isEqualTo(Level.WARN);
            assertThat(context.getLogger("herald.delivery").getEffectiveLevel()).isEqualTo(Level.INFO);
        } finally {
            context.stop();
        }
    }

    @Test
    void anOperatorsOwnLogbackFileReplacesIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("logback.xml");
        java.nio.file.Files.writeString(file, """
                <configuration>
                  <appender name="file" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%level %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="DEBUG"><appender-ref ref="file"/></root>
                </configuration>
                """.formatted(dir.resolve("herald.log")));
        System.setProperty("logback.configurationFile", file.toString());
        try {
            LoggerContext context = new LoggerContext();
            context.setMDCAdapter(new LogbackMDCAdapter());
            new ch.qos.logback.classic.util.ContextInitializer(context).autoConfig(); // as logback starts a process
            context.getLogger("herald.test").debug("delivery.claimed id={}", 1);
            context.stop();
        } finally {
            System.clearProperty("logback.configurationFile");
        }
        assertThat(java.nio.file.Files.readString(dir.resolve("herald.log"))).isEqualTo("DEBUG delivery.claimed id=1\n");
    }

    /** What one INFO line becomes on standard output, with {@code herald.log.format} set to {@code format}. */
    private static String logged(String format) {
        String before = System.getProperty(HeraldConfig.LOG_FORMAT_PROPERTY);
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            if (format == null) System.clearProperty(HeraldConfig.LOG_FORMAT_PROPERTY);
            else System.setProperty(HeraldConfig.LOG_FORMAT_PROPERTY, format);
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            LoggerContext context = configured();
            context.getLogger("herald.test").info("delivery.sent id={}", 1);
            context.stop(); // flushes the background writer
        } finally {
            System.setOut(stdout);
            if (before == null) System.clearProperty(HeraldConfig.LOG_FORMAT_PROPERTY);
            else System.setProperty(HeraldConfig.LOG_FORMAT_PROPERTY, before);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static LoggerContext configured() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's service provider gives the process's context
        LogSetup setup = new LogSetup();
        setup.setContext(context);
        setup.configure(context);
        return context;
    }
}

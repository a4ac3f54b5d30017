package herald.cli;

import herald.config.HeraldConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code herald train}: the launcher's training run for the JVM's ahead-of-time cache (JDK 25+,
 * under {@code -XX:AOTCacheOutput}), once per jar. Herald starts on a temporary SQLite directory
 * and a free loopback port, answers what a start and the first requests ask of it, and stops; the
 * JVM then writes the classes it loaded and linked, with their method profiles, to the cache, and
 * later starts map them instead of loading, verifying and profiling them again.
 */
@Command(name = "train", hidden = true,
        description = "Start and stop once on a temporary data directory (the launcher's training run for the JVM's cache).")
final class TrainCommand implements Callable<Integer> {
    private final HeraldCli.App app;

    TrainCommand(HeraldCli.App app) {
        this.app = app;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("herald-train");
        try {
            HeraldConfig cfg = HeraldConfig.fromMap(Map.of("HERALD_DATA_DIR", dir.toString(), "HERALD_HTTP_PORT", "0"));
            try (HeraldCli.Running herald = app.start(cfg); HttpClient http = HttpClient.newHttpClient()) {
                String base = "http://127.0.0.1:" + herald.port();
                String key = "Bearer " + herald.generatedAdminKey();
                int failed = 0;
                failed += call(http, HttpRequest.newBuilder(URI.create(base + "/health")));
                failed += call(http, HttpRequest.newBuilder(URI.create(base + "/admin/login")));
                failed += call(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/events")).header("Authorization", key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("[{\"id\":\"train-1\",\"type\":\"user.loggedin\","
                                + "\"source\":\"https://lms.example/\",\"time\":\"2026-01-01T00:00:00Z\",\"data\":{\"user\":{\"id\":1}}}]")));
                failed += call(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/events?limit=10")).header("Authorization", key));
                return failed == 0 ? 0 : 1;
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** 1 when the request did not succeed (the training still counts: the cache holds what ran). */
    private static int call(HttpClient http, HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() < 400) return 0;
        System.err.println("train: " + r.request().method() + " " + r.request().uri().getPath() + " answered " + r.statusCode());
        return 1;
    }
}

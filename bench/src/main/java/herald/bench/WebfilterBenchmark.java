package herald.bench;

import com.sun.net.httpserver.HttpServer;
import herald.app.Herald;
import herald.config.HeraldConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * What Herald adds to an Open edX filter call: a user waits while the LMS asks Herald
 * ({@code POST /api/v1/filters/{type}}), which calls one webfilter on loopback and answers. The
 * reference, measured in the same run by the same client, is the LMS calling that webfilter itself.
 * One call at a time (a user waits for each), on SQLite; the difference of the two latency
 * distributions (p50, p99) is what Herald adds.
 *
 * <p>Options: {@code --calls N} (measured calls per side, default 5000, in interleaved rounds of 500),
 * {@code --warmup N} (calls per side before measuring, default 3000).
 */
public final class WebfilterBenchmark {
    private static final String FILTER = "org.openedx.learning.student.login.requested.v1";
    private static final String DATA = "{\"user\":{\"id\":4,\"username\":\"andres\",\"email\":\"andres@example.org\",\"is_active\":true},"
            + "\"profile\":{\"name\":\"Andres\",\"country\":\"AR\"}}";
    private static final String KEY = "bench-webfilter-admin-key-0123456789";

    private WebfilterBenchmark() {}

    public static void main(String[] args) throws Exception {
        int calls = 5000, warmup = 3000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: WebfilterBenchmark [--calls N] [--warmup N]");
                    System.exit(2);
                }
            }
        }
        byte[] answer = "{\"data\":{\"profile\":{\"country\":\"UY\"}}}".getBytes(StandardCharsets.UTF_8);
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        endpoint.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        endpoint.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        endpoint.start();
        String webfilterUrl = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/login";
        Path dir = Files.createTempDirectory("herald-bench-webfilter");
        Map<String, String> env = new HashMap<>();
        env.put("HERALD_HTTP_PORT", "0");
        env.put("HERALD_DATA_DIR", dir.toString());
        env.put("HERALD_ADMIN_KEY", KEY);
        env.put("HERALD_OUTBOUND_ALLOW", "127.0.0.0/8");
        env.put("HERALD_ADMIN_USER", "bench");
        env.put("HERALD_ADMIN_PASSWORD", "bench-password-123");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try (Herald herald = Herald.start(HeraldConfig.fromMap(env))) {
            String base = "http://127.0.0.1:" + herald.port();
            var made = client.send(post(base + "/api/v1/webfilters", "{\"filter_type\":\"" + FILTER + "\",\"url\":\"" + webfilterUrl + "\"}", true),
                    HttpResponse.BodyHandlers.ofString());
            if (made.statusCode() != 201) throw new IllegalStateException("webfilter not made: " + made.body());
            HttpRequest viaHerald = post(base + "/api/v1/filters/" + FILTER, "{\"data\":" + DATA + "}", true);
            HttpRequest direct = post(webfilterUrl, DATA.substring(0, DATA.length() - 1)
                    + ",\"event_metadata\":{\"event_type\":\"StudentLoginRequested\",\"time\":\"2026-01-31T12:00:00.000000+00:00\"}}", false);
            System.out.printf(Locale.ROOT, "warm-up: %d calls each way%n", warmup);
            for (int i = 0; i < warmup; i++) {
                once(client, direct);
                once(client, viaHerald);
            }
            long[] ref = new long[calls], her = new long[calls];
            int done = 0;
            while (done < calls) { // interleaved rounds, so that both sides see the same moments of the machine
                int n = Math.min(500, calls - done);
                for (int i = 0; i < n; i++) ref[done + i] = once(client, direct);
                for (int i = 0; i < n; i++) her[done + i] = once(client, viaHerald);
                done += n;
            }
            Arrays.sort(ref);
            Arrays.sort(her);
            double r50 = ms(ref, 0.50), r99 = ms(ref, 0.99), h50 = ms(her, 0.50), h99 = ms(her, 0.99);
            System.out.printf(Locale.ROOT, "direct call to the webfilter: p50 %.2f ms, p99 %.2f ms (%d calls)%n", r50, r99, calls);
            System.out.printf(Locale.ROOT, "through Herald:               p50 %.2f ms, p99 %.2f ms (%d calls)%n", h50, h99, calls);
            System.out.printf(Locale.ROOT, "RESULT webfilter added latency: p50 %.2f ms, p99 %.2f ms (target p99 <= 5 ms: %s)%n",
                    h50 - r50, h99 - r99, h99 - r99 <= 5 ? "met" : "NOT met");
        } finally {
            endpoint.stop(0);
        }
    }

    private static HttpRequest post(String url, String body, boolean herald) {
        var b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (herald) b.header("Authorization", "Bearer " + KEY);
        return b.build();
    }

    private static long once(HttpClient client, HttpRequest r) throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> res = client.send(r, HttpResponse.BodyHandlers.ofByteArray());
        long took = System.nanoTime() - start;
        if (res.statusCode() != 200) throw new IllegalStateException(r.uri() + " answered " + res.statusCode() + ": " + new String(res.body(), StandardCharsets.UTF_8));
        return took;
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}

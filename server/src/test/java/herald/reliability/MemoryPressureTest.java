package herald.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.ChildHerald;
import herald.testing.Receiver;
import herald.testing.Receiver.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A real Herald process in a small heap ({@code -Xmx128m}, and {@code -XX:+ExitOnOutOfMemoryError}
 * as the launcher sets it) under what ran the launcher's 320 MiB heap out before the memory
 * budgets: a backlog of large events let go at once, and many senders of bodies that are small as
 * text and large as trees. It stays up, and nothing acknowledged is lost.
 */
class MemoryPressureTest {
    private static final String KEY = "memory-test-admin-key-0123456789";
    private static final List<String> SMALL_HEAP = List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aBacklogOfLargeEventsLetGoAtOnceIsDeliveredWithoutRunningTheHeapOut() throws Exception {
        int events = FaultFigures.scale(150, 600);
        int size = 700_000; // 150 of them are 105 MB of bodies, in a 128 MiB heap
        Path dir = Files.createTempDirectory("herald-memory");
        Path log = dir.resolve("herald.log");
        try (Receiver receiver = new Receiver();
             ChildHerald node = ChildHerald.start(env(dir), Faults.freePort(), log, SMALL_HEAP)) {
            receiver.reply(r -> Reply.status(200).after(20)); // sends overlap, as against a real receiver
            Api api = node.api(KEY);
            String secret = Faults.sink(api, receiver.url(), null);
            assertThat(api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false)).status()).isEqualTo(200);
            List<String> acknowledged = new CopyOnWriteArrayList<>();
            Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
            try (ExecutorService senders = Executors.newFixedThreadPool(4)) {
                for (int i = 0; i < events; i++) {
                    String id = "large-" + i;
                    senders.submit(() -> {
                        var e = Json.object().put("id", id).put("type", "test.large");
                        e.putObject("data").put("blob", "x".repeat(size));
                        int status = api.post("/api/v1/events", e).status();
                        statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                        if (status == 202) acknowledged.add(id);
                    });
                }
            }
            assertThat(acknowledged).as(answers(statuses)).hasSize(events);
            assertThat(api.put("/api/v1/settings", Json.object().put("deliveries_enabled", true)).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(240)).until(() -> receiver.received().size() >= events || !node.alive());
            assertThat(node.alive()).as("the process is up; see " + log).isTrue();
            Faults.Ledger ledger = Faults.Ledger.of(receiver, secret);
            assertThat(ledger.hasAll(acknowledged)).isTrue();
            assertThat(ledger.badSignatures()).isZero();
            assertThat(ledger.eventsWithSeveralIds()).isZero();
            new FaultFigures("a backlog of " + events + " events of 700 KB let go at once, in a 128 MiB heap", "sqlite",
                    acknowledged.size(), ledger.webhookIds().size(), events - ledger.webhookIds().size(), ledger.duplicates(),
                    answers(statuses), "the process stayed up").record();
        } finally {
            Faults.delete(dir);
        }
    }

    @Test
    void manySendersOfBodiesLargeAsTreesAreHeldBackNotRunOutOf() throws Exception {
        int senders = FaultFigures.scale(16, 64);
        int each = FaultFigures.scale(2, 4);
        // Arrays nested 58 deep, 510 KB of text: some 25 MiB as a tree, the heaviest shape per byte.
        String nested = "[".repeat(58) + "0" + "]".repeat(58);
        String xs = "[" + (nested + ",").repeat(4_284) + nested + "]";
        Path dir = Files.createTempDirectory("herald-memory");
        Path log = dir.resolve("herald.log");
        try (ChildHerald node = ChildHerald.start(env(dir), Faults.freePort(), log, SMALL_HEAP)) {
            String url = "http://127.0.0.1:" + node.port() + "/api/v1/events";
            List<String> acknowledged = new CopyOnWriteArrayList<>();
            List<String> refusals = new CopyOnWriteArrayList<>();
            Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(senders)) {
                for (int s = 0; s < senders; s++) {
                    int sender = s;
                    pool.submit(() -> {
                        for (int k = 0; k < each; k++) {
                            String id = "heavy-" + sender + "-" + k;
                            String body = "{\"id\":\"" + id + "\",\"type\":\"test.heavy\",\"data\":{\"xs\":" + xs + "}}";
                            // Again after Retry-After (1 s) while it is refused, as a client should; a minute at most.
                            await().atMost(Duration.ofMinutes(1)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1))
                                    .until(() -> {
                                        HttpResponse<String> r = post(url, body);
                                        statuses.computeIfAbsent(r.statusCode(), x -> new AtomicLong()).incrementAndGet();
                                        if (r.statusCode() == 202) return acknowledged.add(id);
                                        String retryAfter = r.headers().firstValue("Retry-After").orElse(null);
                                        if (r.statusCode() == 503 && "1".equals(retryAfter)) return false;
                                        return refusals.add(r.statusCode() + " " + retryAfter + " " + r.body());
                                    });
                        }
                        return null;
                    });
                }
            }
            assertThat(node.alive()).as("the process is up; see " + log).isTrue();
            assertThat(refusals).as("only 503 with Retry-After while others hold the budget").isEmpty();
            assertThat(acknowledged).as(answers(statuses)).hasSize(senders * each);
            Api api = node.api(KEY);
            long stored = acknowledged.stream().filter(id -> api.get("/api/v1/events/" + id).status() == 200).count();
            assertThat(stored).isEqualTo(senders * each);
            new FaultFigures(senders + " senders × " + each + " bodies of 510 KB that are 25 MiB as trees, in a 128 MiB heap",
                    "sqlite", acknowledged.size(), stored, acknowledged.size() - stored, 0, answers(statuses),
                    "the process stayed up; 503s carried Retry-After: 1").record();
        } finally {
            Faults.delete(dir);
        }
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String answers(Map<Integer, AtomicLong> statuses) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(statuses).forEach((status, n) -> parts.add(status + ": " + n.get()));
        return String.join(" · ", parts);
    }

    private static Map<String, String> env(Path dir) {
        Map<String, String> env = new HashMap<>();
        env.put("HERALD_DATA_DIR", dir.toString());
        env.put("HERALD_ADMIN_KEY", KEY);
        env.put("HERALD_MASTER_KEY", java.util.Base64.getEncoder().encodeToString(new byte[32]));
        env.put("HERALD_OUTBOUND_ALLOW", "127.0.0.0/8");
        env.put("HERALD_MAX_PAYLOAD_BYTES", Integer.toString(1 << 20)); // the large events are sent, not refused at render
        return env;
    }
}

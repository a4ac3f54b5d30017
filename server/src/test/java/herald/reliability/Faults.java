package herald.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Receiver;
import java.net.http.HttpHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.time.Duration;

/** What the fault tests share: a signed sink, the receiver's ledger of webhook-ids, and an ingesting client. */
final class Faults {
    private Faults() {}

    /** A 1 KiB event, as the benchmarks send. */
    static ObjectNode event(String id) {
        ObjectNode e = Json.object().put("id", id).put("type", "course_viewed");
        e.putObject("data").put("userid", 7).put("courseid", 3).put("pad", "x".repeat(900));
        return e;
    }

    /** A service posting to {@code url} subscribed to every event; returns its signing secret. */
    static String sink(Api api, String url, ObjectNode more) {
        ObjectNode svc = Json.object().put("name", "sink").put("url", url);
        if (more != null) svc.setAll(more);
        var created = api.post("/api/v1/services", svc);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        var sub = Json.object().put("service_id", created.json().get("id").asText());
        sub.putArray("events").add("*");
        var subscribed = api.post("/api/v1/subscriptions", sub);
        assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
        return created.json().get("signing").get("secret").asText();
    }

    /**
     * What a receiver that checks signatures with the Standard Webhooks library saw: every
     * {@code webhook-id} per event id, the requests in all, and those whose signature failed.
     */
    record Ledger(Map<String, Set<String>> webhookIds, long requests, long badSignatures) {
        static Ledger of(Receiver receiver, String secret) {
            Webhook verifier = new Webhook(secret);
            Map<String, Set<String>> ids = new HashMap<>();
            long bad = 0;
            List<Receiver.Received> all = receiver.received();
            for (Receiver.Received r : all) {
                try {
                    verifier.verify(r.body(), HttpHeaders.of(r.headers(), (n, v) -> true));
                } catch (WebhookVerificationException e) {
                    bad++;
                }
                ids.computeIfAbsent(Json.read(r.body()).get("id").asText(), k -> new HashSet<>()).add(r.header("webhook-id"));
            }
            return new Ledger(ids, all.size(), bad);
        }

        boolean hasAll(List<String> eventIds) {
            return webhookIds.keySet().containsAll(eventIds);
        }

        List<String> missing(List<String> eventIds) {
            return eventIds.stream().filter(id -> !webhookIds.containsKey(id)).toList();
        }

        /** Requests beyond one per event: each a duplicate send. */
        long duplicates() {
            return requests - webhookIds.size();
        }

        /** Events that reached the receiver under more than one webhook-id (must be none). */
        long eventsWithSeveralIds() {
            return webhookIds.values().stream().filter(s -> s.size() > 1).count();
        }
    }

    /**
     * A client posting batches of events until told to stop or {@code total} are acknowledged, as an
     * LMS plugin would: a batch that is not answered 202 (refused, or no answer) is sent again, with
     * the same ids, 100 ms later. Records every answer's status and the slowest answer.
     */
    static final class Ingestor implements AutoCloseable {
        final List<String> acknowledged = new CopyOnWriteArrayList<>();
        final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        final AtomicLong noAnswer = new AtomicLong();
        final AtomicLong slowestMs = new AtomicLong();
        final List<String> refusals = new CopyOnWriteArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Ingestor(Supplier<Api> api, String prefix, int total, int batch) {
            thread = Thread.ofPlatform().name("ingestor-" + prefix).start(() -> {
                for (int next = 0; !stop.get() && next < total; next += batch) {
                    ArrayNode events = Json.MAPPER.createArrayNode();
                    List<String> ids = new ArrayList<>();
                    for (int i = next; i < Math.min(total, next + batch); i++) {
                        ids.add(prefix + i);
                        events.add(event(ids.getLast()));
                    }
                    // The same batch again every 100 ms until it is acknowledged (or the test stops this client).
                    await().atMost(Duration.ofMinutes(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                            .until(() -> stop.get() || post(api.get(), events, ids));
                }
            });
        }

        /** One request; true when it was acknowledged. */
        private boolean post(Api api, ArrayNode events, List<String> ids) {
            long start = System.nanoTime();
            int status;
            try {
                Api.Response r = api.post("/api/v1/events", events);
                status = r.status();
                if (status != 202 && refusals.size() < 20) refusals.add(status + " " + r.header("Retry-After") + " " + r.text());
            } catch (IllegalStateException down) {
                status = 0;
                noAnswer.incrementAndGet();
            }
            slowestMs.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
            statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
            if (status == 202) acknowledged.addAll(ids);
            return status == 202;
        }

        long answered(int status) {
            AtomicLong n = statuses.get(status);
            return n == null ? 0 : n.get();
        }

        long serverErrors() {
            return statuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(e -> e.getValue().get()).sum();
        }

        /** e.g. {@code 202: 180 · 503: 12 · no answer: 3} */
        String answers() {
            StringBuilder s = new StringBuilder();
            new TreeMap<>(statuses).forEach((k, v) -> {
                if (k == 0) return;
                if (!s.isEmpty()) s.append(" · ");
                s.append(k).append(": ").append(v.get());
            });
            if (noAnswer.get() > 0) s.append(" · no answer: ").append(noAnswer.get());
            return s.toString();
        }

        void awaitDone() throws InterruptedException {
            thread.join();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }

    static int freePort() {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes the run's files, keeping the nodes' log as target/reliability/{@code dir's name}.log to read after a failure. */
    static void delete(Path dir) throws java.io.IOException {
        Path log = dir.resolve("herald.log");
        if (Files.exists(log)) {
            Files.createDirectories(Path.of("target", "reliability"));
            Files.copy(log, Path.of("target", "reliability", dir.getFileName() + ".log"));
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

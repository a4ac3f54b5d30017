package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.ChildHerald;
import herald.testing.Events;
import herald.testing.Postgres;
import herald.testing.Receiver;
import herald.testing.Receiver.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** kill -9 of a real Herald process mid-run loses no acknowledged event. */
class CrashTest {
    private static final String KEY = "crash-test-admin-key-0123456789";

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyAcknowledgedEventIsDeliveredAfterAKillAndARestart(Backend backend) throws Exception {
        Path dir = Files.createTempDirectory("herald-crash");
        String pg = backend == Backend.POSTGRES ? Postgres.createDatabase("herald_crash") : null;
        Map<String, String> env = new HashMap<>();
        env.put("HERALD_DATA_DIR", dir.toString());
        env.put("HERALD_ADMIN_KEY", KEY);
        env.put("HERALD_OUTBOUND_ALLOW", "127.0.0.0/8");
        env.put("HERALD_DELIVERY_LEASE_S", "5"); // a dead node's claims come back after 10 s (the 5 s timeout + 5 s)
        if (pg != null) env.put("HERALD_DATABASE_URL", pg);
        int port = Hooks.freePort();
        Path log = dir.resolve("herald.log");
        try (Receiver receiver = new Receiver()) {
            receiver.reply(r -> Reply.status(200).after(5)); // slow enough that deliveries are in flight at the kill
            List<String> acknowledged = new CopyOnWriteArrayList<>();
            try (ChildHerald first = ChildHerald.start(env, port, log)) {
                Api api = first.api(KEY);
                // A fresh JVM under load answers slowly at first: no breaker, so only the crash is tested.
                var service = Json.object().put("timeout_ms", 5000);
                service.putObject("circuit_breaker").put("threshold", 10_000);
                Hooks.serviceSubscribedToAll(api, "sink", receiver.url(), service);
                Thread ingest = Thread.ofPlatform().start(() -> {
                    for (int batch = 0; batch < 100; batch++) {
                        ArrayNode events = Json.MAPPER.createArrayNode();
                        List<String> ids = new java.util.ArrayList<>();
                        for (int i = 0; i < 50; i++) {
                            ids.add("k-" + batch + "-" + i);
                            events.add(Events.courseViewed(ids.getLast()));
                        }
                        try {
                            if (api.post("/api/v1/events", events).status() == 202) acknowledged.addAll(ids);
                        } catch (IllegalStateException killed) {
                            return; // the server died mid-request: this batch was not acknowledged
                        }
                    }
                });
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 300);
                first.kill();
                ingest.join();
            }
            assertThat(acknowledged).isNotEmpty();
            try (ChildHerald second = ChildHerald.start(env, port, log)) {
                Map<String, Set<String>> webhookIdsByEvent = new ConcurrentHashMap<>();
                try {
                    await().atMost(Duration.ofSeconds(120)).until(() -> {
                        for (var r : receiver.received()) {
                            webhookIdsByEvent.computeIfAbsent(Json.read(r.body()).get("id").asText(), k -> new HashSet<>())
                                    .add(r.header("webhook-id"));
                        }
                        return webhookIdsByEvent.keySet().containsAll(acknowledged);
                    });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    var missing = acknowledged.stream().filter(id -> !webhookIdsByEvent.containsKey(id)).toList();
                    throw new AssertionError(missing.size() + " acknowledged events never arrived, e.g. "
                            + missing.subList(0, Math.min(5, missing.size())) + "; log:\n" + Files.readString(log), e);
                }
                // A duplicate send (the kill came between sending and recording) carries the same webhook-id.
                assertThat(webhookIdsByEvent.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
            }
        } finally {
            if (pg != null) Postgres.dropDatabase(pg);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

package herald.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.EventBus;
import herald.testing.RedisServer;
import herald.testing.TestHerald;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Redis restarted under the Open edX source while messages flow: none lost, none stored as two events. */
class RedisRestartTest {
    private static final String TOPIC = "learning-course-enrollment-lifecycle";

    @Test
    void aRedisRestartUnderTheOpenEdxSourceLosesNoMessageAndStoresNoneTwice() throws Exception {
        int total = FaultFigures.scale(600, 20_000);
        try (RedisServer redis = new RedisServer(); TestHerald h = TestHerald.start(Backend.SQLITE)) {
            Api api = h.api();
            List<String> published = new CopyOnWriteArrayList<>();
            long failedPublishes;
            try (EventBus bus = new EventBus(redis.url())) {
                var source = Json.object().put("name", "edx").put("type", "openedx").put("redis_url", redis.url())
                        .put("topic_prefix", bus.prefix).put("start", "beginning").put("claim_idle_s", 1);
                source.putArray("topics").add(TOPIC);
                var created = api.post("/api/v1/sources", source);
                assertThat(created.status()).as(created.text()).isEqualTo(201);
                String sourceId = created.json().get("id").asText();

                // The LMS publishes on; a publish refused while Redis is down is not on the bus (the producer's error).
                long[] failed = {0};
                Runnable publishing = () -> {
                    for (int i = published.size(); published.size() < total; i++) {
                        if (i == total / 3 && Thread.currentThread().getName().equals("first-third")) return;
                        int n = i;
                        // Published again every 50 ms until Redis takes it.
                        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
                            try {
                                bus.add(TOPIC, EventBus.ENROLLMENT_CREATED, "rr-" + n, EventBus.enrollment(n, "u" + n, "course-v1:x+y+z", "audit", false));
                                published.add("rr-" + n);
                                return true;
                            } catch (RuntimeException down) {
                                failed[0]++;
                                return false;
                            }
                        });
                    }
                };
                Thread.ofPlatform().name("first-third").start(publishing).join();
                await().atMost(Duration.ofSeconds(60)).until(() -> stored(api, sourceId) >= total / 6);
                // Restarted while Herald is still reading the first third and the LMS publishes the rest.
                Thread producer = Thread.ofPlatform().name("the-rest").start(publishing);
                redis.restart();
                producer.join();
                failedPublishes = failed[0];
                await().atMost(Duration.ofSeconds(90)).until(() -> stored(api, sourceId) >= total);

                Map<String, Integer> seen = new HashMap<>();
                for (JsonNode e : allEvents(api)) seen.merge(e.get("id").asText(), 1, Integer::sum);
                assertThat(seen.keySet()).as("every published message is an event").containsAll(published);
                assertThat(seen).as("and only those, once each").hasSize(published.size());
                JsonNode status = api.get("/api/v1/sources/" + sourceId).json().get("status");
                await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/sources/" + sourceId).json()
                        .at("/status/state").asText().equals("reading"));
                new FaultFigures("Redis restarted under the Open edX source while the LMS publishes", "sqlite",
                        published.size(), seen.size(), published.size() - seen.keySet().stream().filter(published::contains).count(),
                        status.path("duplicates").asLong(), "publishes refused while Redis was down: " + failedPublishes,
                        "messages read again after the restart stored once (source `duplicates` counter)").record();
            }
        }
    }

    private static long stored(Api api, String sourceId) {
        return api.get("/api/v1/sources/" + sourceId).json().at("/status/stored").asLong();
    }

    private static List<JsonNode> allEvents(Api api) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/api/v1/events?limit=500&type=" + EventBus.ENROLLMENT_CREATED
                    + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("items").forEach(out::add);
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        return out;
    }
}

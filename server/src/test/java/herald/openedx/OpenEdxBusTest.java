package herald.openedx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import herald.app.Herald;
import herald.config.HeraldConfig;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.EventBus;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import io.lettuce.core.Consumer;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Open edX's Redis event bus, read with nothing installed in Open edX: messages written exactly as
 * event-bus-redis writes them, to the local Redis, read by a real Herald.
 */
class OpenEdxBusTest {
    private static final String TOPIC = "learning-course-enrollment-lifecycle";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static String createSource(Api api, EventBus bus, String start, int claimIdleS) {
        var body = Json.object().put("name", "edx-" + bus.prefix).put("type", "openedx").put("redis_url", EventBus.URL)
                .put("topic_prefix", bus.prefix).put("start", start).put("claim_idle_s", claimIdleS);
        body.putArray("topics").add(TOPIC);
        var r = api.post("/api/v1/sources", body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private static List<JsonNode> events(Api api, String type) {
        var items = api.get("/api/v1/events?limit=500&type=" + type).json().get("items");
        var out = new java.util.ArrayList<JsonNode>();
        items.forEach(out::add);
        return out;
    }

    @Test
    void messagesBecomeEventsOnceAndWhatCannotIsKeptWithItsReason() {
        try (EventBus bus = new EventBus(); TestHerald herald = TestHerald.start(Backend.SQLITE)) {
            bus.add(TOPIC, EventBus.ENROLLMENT_CREATED, "c8bee32c-a1a5-11ed-baf0-0242ac140001",
                    EventBus.enrollment(4, "andres", "course-v1:edX+DemoX+Demo_Course", "honor", true));
            bus.add(TOPIC, EventBus.ENROLLMENT_CHANGED, "c8bee32c-a1a5-11ed-baf0-0242ac140002", // a second type on the same topic
                    EventBus.enrollment(4, "andres", "course-v1:edX+DemoX+Demo_Course", "verified", false));
            bus.add(TOPIC, EventBus.ENROLLMENT_CREATED, "c8bee32c-a1a5-11ed-baf0-0242ac140001", // the same message again
                    EventBus.enrollment(4, "andres", "course-v1:edX+DemoX+Demo_Course", "honor", true));
            bus.add(TOPIC, EventBus.ENROLLMENT_CREATED, "c8bee32c-a1a5-11ed-baf0-0242ac140003", new byte[] {2, 'x'}); // does not decode
            bus.add(TOPIC, "org.openedx.learning.unheard.of.v9", "c8bee32c-a1a5-11ed-baf0-0242ac140004", new byte[] {0});
            Api api = herald.api();
            String id = createSource(api, bus, "beginning", 60);

            await().atMost(WAIT).until(() -> api.get("/api/v1/sources/" + id + "/failures").json().get("items").size() == 2);
            await().atMost(WAIT).until(() -> events(api, EventBus.ENROLLMENT_CHANGED).size() == 1);
            List<JsonNode> created = events(api, EventBus.ENROLLMENT_CREATED);
            assertThat(created).hasSize(1);

            JsonNode event = api.get("/api/v1/events/c8bee32c-a1a5-11ed-baf0-0242ac140001").json().get("event");
            assertThat(event.get("type").asText()).isEqualTo(EventBus.ENROLLMENT_CREATED);
            assertThat(event.get("source").asText()).isEqualTo("openedx/lms/web");
            assertThat(event.get("time").asText()).isEqualTo("2026-08-21T10:00:00.123456Z");
            assertThat(event.at("/data/enrollment/user/pii/username").asText()).isEqualTo("andres");
            assertThat(event.at("/data/enrollment/user/id").asLong()).isEqualTo(4);
            assertThat(event.at("/data/enrollment/course/course_key").asText()).isEqualTo("course-v1:edX+DemoX+Demo_Course");
            assertThat(event.at("/data/enrollment/course/start").asText()).isEqualTo("2026-01-05T00:00:00+00:00");
            assertThat(event.at("/data/enrollment/course/end").isNull()).isTrue();
            assertThat(event.at("/data/enrollment/created_by").isNull()).isTrue();
            assertThat(event.get("sourcelib").asText()).isEqualTo("11.2.0");
            assertThat(event.get("herald_source").asText()).isEqualTo(id);
            // Relayed as the openedx-webhooks plugin would: the message's own metadata, the library as asdict() of a tuple.
            String svc = api.post("/api/v1/services", Json.object().put("name", "relay").put("url", "https://relay.example/hook")
                    .put("site_url", "https://lms.example.com")).json().get("id").asText();
            var plugin = Json.object().put("service_id", svc).put("format", "openedx");
            plugin.putArray("events").add("*");
            var preview = Json.object().put("event_id", "c8bee32c-a1a5-11ed-baf0-0242ac140001").set("subscription", plugin);
            JsonNode metadata = Json.read(api.post("/api/v1/subscriptions/preview", preview).json().get("body").asText()).get("event_metadata");
            assertThat(metadata.get("sourcehost").asText()).isEqualTo("lms-7f9c");
            assertThat(metadata.get("sourcelib")).isEqualTo(Json.read("[11, 2, 0]"));

            var failures = api.get("/api/v1/sources/" + id + "/failures").json().get("items");
            assertThat(failures.toString()).contains("unknown event type 'org.openedx.learning.unheard.of.v9'")
                    .contains("is not a " + EventBus.ENROLLMENT_CREATED + " record");
            // every entry acknowledged (stored or kept), so the stream moves on
            await().atMost(WAIT).until(() -> bus.connection().sync().xpending(bus.stream(TOPIC), "herald-" + id).getCount() == 0);
            await().atMost(WAIT).until(() -> api.get("/api/v1/sources/" + id).json().at("/status/topics/0/lag").asLong(-1) == 0);
            var status = api.get("/api/v1/sources/" + id).json().get("status");
            assertThat(status.get("state").asText()).isEqualTo("reading");
            assertThat(status.get("failed").asLong()).isEqualTo(2);
            assertThat(status.get("duplicates").asLong()).as("the same message twice").isEqualTo(1);
            assertThat(api.get("/api/v1/sources/" + id).json().get("redis_url").asText()).isEqualTo(EventBus.URL);
            var test = api.post("/api/v1/sources/" + id + "/test", Json.object()).json();
            assertThat(test.get("ok").asBoolean()).isTrue();
            assertThat(test.get("message").asText()).contains(bus.stream(TOPIC) + ": 5 entries");
            var refused = api.post("/api/v1/sources/test", Json.read("{\"name\":\"x\",\"type\":\"openedx\",\"redis_url\":\"redis://127.0.0.1:1/0\",\"topics\":[\"t\"]}")).json();
            assertThat(refused.get("ok").asBoolean()).isFalse();
            assertThat(refused.get("message").asText()).isEqualTo("cannot connect to Redis");
        }
    }

    @Test
    void entriesLeftPendingByADeadConsumerAreTakenOverAndStoredOnce() {
        try (EventBus bus = new EventBus(); TestHerald herald = TestHerald.start(Backend.SQLITE)) {
            Api api = herald.api();
            var body = Json.object().put("name", "edx-" + bus.prefix).put("type", "openedx").put("redis_url", EventBus.URL)
                    .put("topic_prefix", bus.prefix).put("start", "beginning").put("claim_idle_s", 1).put("enabled", false);
            body.putArray("topics").add(TOPIC);
            String id = api.post("/api/v1/sources", body).json().get("id").asText();
            // another node of the group read three entries and died before acknowledging them
            var redis = bus.connection().sync();
            for (int i = 1; i <= 3; i++) {
                bus.add(TOPIC, EventBus.ENROLLMENT_CREATED, "dead-node-" + i, EventBus.enrollment(i, "u" + i, "course-v1:x+y+z", "audit", false));
            }
            redis.xgroupCreate(XReadArgs.StreamOffset.from(bus.stream(TOPIC), "0-0"), "herald-" + id, XGroupCreateArgs.Builder.mkstream(true));
            assertThat(redis.xreadgroup(Consumer.from("herald-" + id, "herald-dead-node"), XReadArgs.StreamOffset.lastConsumed(bus.stream(TOPIC))))
                    .hasSize(3);
            // ... after storing the first one: its second store is a duplicate, not a second event
            var first = Json.object().put("id", "dead-node-1").put("type", EventBus.ENROLLMENT_CREATED).put("source", "openedx/lms/web");
            first.putObject("data").put("note", "stored before the crash");
            assertThat(api.post("/api/v1/events", first).status()).isEqualTo(202);

            assertThat(api.post("/api/v1/sources/" + id + "/enable", Json.object()).status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> events(api, EventBus.ENROLLMENT_CREATED).size() == 3);
            await().atMost(WAIT).until(() -> redis.xpending(bus.stream(TOPIC), "herald-" + id).getCount() == 0);
            assertThat(api.get("/api/v1/events/dead-node-1").json().at("/event/data/note").asText()).isEqualTo("stored before the crash");
            assertThat(api.get("/api/v1/events/dead-node-3").json().at("/event/data/enrollment/user/id").asLong()).isEqualTo(3);
            assertThat(api.get("/api/v1/sources/" + id).json().at("/status/duplicates").asLong()).isEqualTo(1);
        }
    }

    @Test
    void twoNodesShareTheGroupAndStoreEachMessageOnce() {
        try (EventBus bus = new EventBus(); Receiver receiver = new Receiver();
             TestHerald first = TestHerald.start(Backend.POSTGRES);
             Herald second = Herald.start(HeraldConfig.fromMap(first.environment()))) {
            Api api = first.api();
            var svc = api.post("/api/v1/services", Json.object().put("name", "sink").put("url", receiver.url())).json();
            var sub = Json.object().put("service_id", svc.get("id").asText());
            sub.putArray("events").add(EventBus.ENROLLMENT_CREATED);
            assertThat(api.post("/api/v1/subscriptions", sub).status()).isEqualTo(201);
            createSource(api, bus, "beginning", 60);
            int n = 200;
            for (int i = 0; i < n; i++) {
                bus.add(TOPIC, EventBus.ENROLLMENT_CREATED, "two-nodes-" + i, EventBus.enrollment(i, "u" + i, "course-v1:x+y+z", "audit", false));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= n);
            Set<String> ids = new HashSet<>();
            receiver.received().forEach(r -> ids.add(Json.read(r.body()).get("id").asText()));
            assertThat(ids).hasSize(n);
            assertThat(receiver.received()).as("each event delivered once").hasSize(n);
            assertThat(events(api, EventBus.ENROLLMENT_CREATED)).hasSize(n);
        }
    }
}

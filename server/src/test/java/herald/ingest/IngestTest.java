package herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IngestTest {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyAcknowledgedEventSurvivesARestart(Backend backend) throws Exception {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            List<Future<Api.Response>> answers = new ArrayList<>();
            try (var pool = Executors.newFixedThreadPool(32)) {
                for (int i = 0; i < 300; i++) {
                    String id = "evt-" + i;
                    answers.add(pool.submit(() -> api.post("/api/v1/events", Events.courseViewed(id))));
                }
            }
            for (var a : answers) assertThat(a.get().status()).isEqualTo(202);
            h.restart();
            int stored = h.herald().database().read(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM events")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(stored).isEqualTo(300);
            assertThat(h.api().get("/api/v1/events/evt-299").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aGracefulStopUnderLoadKeepsEveryAcknowledgedEvent(Backend backend) throws Exception {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            var acknowledged = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
            var sent = new java.util.concurrent.atomic.AtomicInteger();
            var stop = new java.util.concurrent.atomic.AtomicBoolean();
            try (var pool = Executors.newFixedThreadPool(16)) {
                for (int t = 0; t < 16; t++) {
                    pool.submit(() -> {
                        while (!stop.get()) {
                            String id = "load-" + sent.incrementAndGet();
                            try {
                                if (api.post("/api/v1/events", Events.courseViewed(id)).status() == 202) acknowledged.add(id);
                            } catch (IllegalStateException refused) {
                                // the server is gone: what was not acknowledged may be lost, the rest may not
                            }
                        }
                    });
                }
                org.awaitility.Awaitility.await().until(() -> acknowledged.size() >= 200);
                h.herald().close(); // while requests are in flight
                stop.set(true);
            }
            h.restart();
            for (String id : acknowledged) {
                assertThat(h.api().get("/api/v1/events/" + id).status()).as(id).isEqualTo(200);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void sendingTheSameIdAgainCreatesNoNewDeliveries(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            String svc = api.post("/api/v1/services", Json.object().put("name", "crm").put("url", "http://127.0.0.1:9/x"))
                    .json().get("id").asText();
            api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false)); // keep deliveries still
            var sub = Json.object().put("service_id", svc);
            sub.putArray("events").add("*");
            assertThat(api.post("/api/v1/subscriptions", sub).status()).isEqualTo(201);

            var first = api.post("/api/v1/events", Events.courseViewed("same-1"));
            var second = api.post("/api/v1/events", Events.courseViewed("same-1"));
            assertThat(first.status()).isEqualTo(202);
            assertThat(second.status()).isEqualTo(202);
            assertThat(first.json().get("duplicates")).isEmpty();
            assertThat(second.json().get("duplicates").get(0).asText()).isEqualTo("same-1");
            assertThat(api.get("/api/v1/events/same-1").json().get("deliveries")).hasSize(1);

            var twice = Json.MAPPER.createArrayNode().add(Events.courseViewed("same-2")).add(Events.courseViewed("same-2"));
            var third = api.post("/api/v1/events", twice);
            assertThat(third.status()).isEqualTo(202);
            assertThat(third.json().get("duplicates")).hasSize(1);
            assertThat(api.get("/api/v1/events/same-2").json().get("deliveries")).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void concurrentOverlappingBatchesStoreEachEventOnceWithOneDelivery(Backend backend) throws Exception {
        // 8 senders of 100-event batches keep a backlog waiting, so on PostgreSQL the extra writers
        // commit beside the primary one; every id is sent by two senders.
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            String svc = api.post("/api/v1/services", Json.object().put("name", "crm").put("url", "http://127.0.0.1:9/x"))
                    .json().get("id").asText();
            api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false));
            var sub = Json.object().put("service_id", svc);
            sub.putArray("events").add("*");
            assertThat(api.post("/api/v1/subscriptions", sub).status()).isEqualTo(201);
            int senders = 8, batches = 10, size = 100;
            try (var pool = Executors.newFixedThreadPool(senders)) {
                var answers = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
                for (int t = 0; t < senders; t++) {
                    int sender = t;
                    answers.add(pool.submit(() -> {
                        for (int b = 0; b < batches; b++) {
                            var batch = Json.MAPPER.createArrayNode();
                            for (int i = 0; i < size; i++) {
                                batch.add(Events.courseViewed("ov-" + (sender / 2) + "-" + b + "-" + i));
                            }
                            int status = api.post("/api/v1/events", batch).status();
                            if (status != 202) return status;
                        }
                        return 202;
                    }));
                }
                for (var answer : answers) assertThat(answer.get()).isEqualTo(202);
            }
            long expected = (long) (senders / 2) * batches * size;
            long events = h.herald().database().read(c -> count(c, "SELECT count(*) FROM events"));
            long deliveries = h.herald().database().read(c -> count(c, "SELECT count(*) FROM deliveries"));
            assertThat(events).isEqualTo(expected);
            assertThat(deliveries).isEqualTo(expected);
            long eventsWithSeveral = h.herald().database().read(c -> count(c,
                    "SELECT count(*) FROM (SELECT event_id FROM deliveries GROUP BY event_id HAVING count(*) > 1) d"));
            assertThat(eventsWithSeveral).isZero();
        }
    }

    private static long count(java.sql.Connection c, String sql) throws java.sql.SQLException {
        try (var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aMoodleEventWithoutIdIsIdentifiedByItsFields(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            var a = h.api().post("/api/v1/events", Events.courseViewed(null)).json();
            var b = h.api().post("/api/v1/events", Events.courseViewed(null)).json();
            assertThat(a.get("ids").get(0).asText()).startsWith("moodle-").isEqualTo(b.get("ids").get(0).asText());
            assertThat(b.get("duplicates")).hasSize(1);
            var other = Events.courseViewed(null).put("userid", "3");
            assertThat(h.api().post("/api/v1/events", other).json().get("duplicates")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aBatchWithOneBadEventStoresNothing(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            ArrayNode batch = Json.MAPPER.createArrayNode();
            batch.add(Events.courseViewed("ok-1"));
            batch.add(Events.courseViewed("bad-1").put("timecreated", "yesterday"));
            var r = h.api().post("/api/v1/events", batch);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.errorFields()).containsExactly("[1].timecreated");
            assertThat(h.api().get("/api/v1/events/ok-1").status()).isEqualTo(404);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void eventsAreListedNewestFirstWithFiltersAndCursors(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            ArrayNode batch = Json.MAPPER.createArrayNode();
            for (int i = 0; i < 5; i++) batch.add(Events.courseViewed("c-" + i).put("courseid", i % 2 == 0 ? "4" : "5"));
            batch.add(Events.generic("g-1", "org.openedx.learning.auth.session.login.completed.v1"));
            assertThat(api.post("/api/v1/events", batch).status()).isEqualTo(202);

            var course4 = api.get("/api/v1/events?course=4").json().get("items");
            assertThat(course4).extracting(n -> n.get("id").asText()).containsExactly("c-4", "c-2", "c-0");
            var page1 = api.get("/api/v1/events?limit=4").json();
            assertThat(page1.get("items")).hasSize(4);
            assertThat(page1.get("items").get(0).get("id").asText()).isEqualTo("g-1");
            var page2 = api.get("/api/v1/events?limit=4&cursor=" + page1.get("next_cursor").asText()).json();
            assertThat(page2.get("items")).extracting(n -> n.get("id").asText()).containsExactly("c-1", "c-0");
            assertThat(page2.get("next_cursor").isNull()).isTrue();
            assertThat(api.get("/api/v1/events?user=7").json().get("items")).hasSize(1);
            assertThat(api.get("/api/v1/events?type=org.openedx.learning.auth.session.login.completed.v1").json()
                    .get("items")).hasSize(1);
            assertThat(api.get("/api/v1/events?since=2026-01-01T00:00:00Z").json().get("items")).hasSize(1);
            assertThat(api.get("/api/v1/events?until=2020-01-01T00:00:00Z").json().get("items")).hasSize(5);
            assertThat(api.get("/api/v1/events?since=yesterday").errorFields()).containsExactly("since");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void ingestedNamesJoinTheCatalog(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            h.api().post("/api/v1/events", Events.generic("x-1", "com.example.custom.v1"));
            h.api().post("/api/v1/events", Events.courseViewed("x-2"));
            var items = h.api().get("/api/v1/event-types").json().get("items");
            assertThat(items).anySatisfy(n -> {
                assertThat(n.get("name").asText()).isEqualTo("com.example.custom.v1");
                assertThat(n.get("builtin").asBoolean()).isFalse();
                assertThat(n.get("seen").asBoolean()).isTrue();
            });
            assertThat(items).anySatisfy(n -> {
                assertThat(n.get("name").asText()).isEqualTo("\\core\\event\\course_viewed");
                assertThat(n.get("builtin").asBoolean()).isTrue();
                assertThat(n.get("seen").asBoolean()).isTrue();
                assertThat(n.get("crud").asText()).isEqualTo("r");
            });
        }
    }
}

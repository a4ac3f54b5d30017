package herald.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.app.Herald;
import herald.config.HeraldConfig;
import herald.json.Json;
import herald.subscription.Subscription;
import herald.subscription.SubscriptionJson;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.MoodleDb;
import herald.testing.Receiver;
import herald.testing.TcpProxy;
import herald.testing.TestHerald;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Moodle sources against real MariaDB and PostgreSQL databases holding Moodle 4.3's log table and rows. */
class MoodleSourceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Every Moodle database with every Herald storage. */
    static Stream<Arguments> everyPair() {
        return Stream.of(Arguments.of(MoodleDb.Kind.MARIADB, Backend.SQLITE), Arguments.of(MoodleDb.Kind.MARIADB, Backend.POSTGRES),
                Arguments.of(MoodleDb.Kind.POSTGRES, Backend.SQLITE), Arguments.of(MoodleDb.Kind.POSTGRES, Backend.POSTGRES));
    }

    /** Each Moodle database and each Herald storage at least once. */
    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(MoodleDb.Kind.MARIADB, Backend.SQLITE), Arguments.of(MoodleDb.Kind.POSTGRES, Backend.POSTGRES));
    }

    @ParameterizedTest
    @MethodSource("everyPair")
    void everyFixtureRowBecomesTheEventMoodleGaveWithItsRecord(MoodleDb.Kind kind, Backend backend) throws Exception {
        try (MoodleDb moodle = MoodleDb.create(kind); TestHerald h = TestHerald.start(backend)) {
            moodle.loadLogRows();
            moodle.loadObjects();
            Api api = h.api();
            pauseDeliveries(api);
            subscribe(api, "nosey"); // nosey renders the record, so records are loaded
            String id = createSource(api, moodle, Json.object().put("start", "beginning").put("site_url", "http://127.0.0.1:8090"));
            await().atMost(WAIT).until(() -> events(h, id).size() == 242);

            Map<Long, JsonNode> events = events(h, id);
            Map<String, Map<Long, JsonNode>> objects = objects();
            int records = 0, gone = 0;
            for (JsonNode row : MoodleDb.fixtureRows()) {
                long logId = row.get("id").asLong();
                JsonNode e = events.get(logId);
                for (String f : List.of("eventname", "component", "action", "target", "objecttable", "objectid", "crud",
                        "edulevel", "contextid", "contextlevel", "contextinstanceid", "userid", "courseid", "relateduserid",
                        "anonymous", "timecreated", "origin", "ip", "realuserid")) {
                    // Ids are typed as get_data() had them ("2" or 2: MoodleTypes); the value is the row's.
                    if (row.get(f).isNumber() && e.get(f).isTextual()) {
                        assertThat(e.get(f).asText()).as("log %d %s", logId, f).isEqualTo(row.get(f).asText());
                    } else {
                        assertThat(e.get(f)).as("log %d %s", logId, f).isEqualTo(row.get(f));
                    }
                }
                assertThat(e.get("edulevel").isIntegralNumber()).as("edulevel is an int, not TINYINT(1) as boolean").isTrue();
                assertThat(e.get("source").asText()).isEqualTo(id);
                assertThat(e.get("log_id").asLong()).isEqualTo(logId);
                assertThat(e.has("other_error")).as("log %d other: %s", logId, e.get("other_error")).isFalse();

                String table = row.get("objecttable").asText(null);
                if (table != null && !row.get("objectid").isNull() && !objects.containsKey(table)) {
                    // Every table is read (record_tables "*"); one the fixtures did not create cannot be.
                    assertThat(e.get("record").isNull()).as("log %d: %s", logId, table).isTrue();
                    assertThat(e.get("record_error").asText()).contains("mdl_" + table);
                } else if (table != null && !row.get("objectid").isNull()) {
                    JsonNode expected = objects.get(table).get(row.get("objectid").asLong());
                    if (expected == null) {
                        assertThat(e.get("record").isBoolean() && !e.get("record").booleanValue())
                                .as("log %d: %s %s is gone, so record is false", logId, table, row.get("objectid")).isTrue();
                        gone++;
                    } else {
                        assertSameJson(e.get("record"), withoutCredentials(expected), "log " + logId + " record");
                        records++;
                    }
                } else {
                    assertThat(e.has("record")).as("log %d has no record to load", logId).isFalse();
                }
            }
            // Every table but the sensitive ones is read now: roles, cohorts, sections, pages, notifications...
            assertThat(records).isGreaterThan(88);
            assertThat(gone).isGreaterThanOrEqualTo(52); // the objects index's missing ids
            JsonNode user = events.get(45L).get("record"); // user_created for a student: no password, no secret
            assertThat(user.get("username").asText()).isNotEmpty();
            assertThat(user.has("password") || user.has("secret")).isFalse();

            // Batch A1 stored other with serialize(), batch A2 (the same steps, 121 rows later) as JSON.
            for (long k = 41; k <= 161; k++) {
                assertThat(shape(events.get(k).get("other"))).as("other of %d and %d", k, k + 121)
                        .isEqualTo(shape(events.get(k + 121).get("other")));
            }
            assertThat(events.get(143L).get("other")).isEqualTo(Json.read("{\"name\":\"Archive A1 — to delete\"}"));
            assertThat(events.get(116L).get("other")).isEqualTo(Json.read("{\"itemid\":\"4\",\"overridden\":false,\"finalgrade\":87.5}"));
            assertThat(events.get(237L).get("other")).isEqualTo(Json.read("{\"itemid\":\"7\",\"overridden\":false,\"finalgrade\":92}"));
            assertThat(events.get(105L).get("other").get("extrauserinfo")).isEqualTo(Json.read("[]"));
            assertThat(events.get(41L).get("other").isNull()).isTrue();
            assertThat(events.get(170L).get("other").isNull()).isTrue();

            // The catalog knows every name with its component.
            Map<String, String> catalog = new HashMap<>();
            api.get("/api/v1/event-types").json().get("items").forEach(t -> {
                if (t.path("seen").asBoolean()) catalog.put(t.get("name").asText(), t.path("component").asText());
            });
            for (JsonNode row : MoodleDb.fixtureRows()) {
                assertThat(catalog).containsEntry(row.get("eventname").asText(), row.get("component").asText());
            }

            JsonNode status = api.get("/api/v1/sources/" + id).json().get("status");
            assertThat(status.get("state").asText()).isEqualTo("running");
            assertThat(status.get("last_log_id").asLong()).isEqualTo(282);
            assertThat(status.get("lag_rows").asLong()).isZero();
            assertThat(h.herald().sources().siteUrl(id)).contains("http://127.0.0.1:8090");
            await().atMost(WAIT).until(() -> api.get("/metrics").text().matches("(?s).*herald_source_last_log_id\\{source=\"moodle\"} 282(\\.0)?\n.*"));
            assertThat(api.get("/metrics").text()).containsPattern("herald_source_lag_rows\\{source=\"moodle\"} 0(\\.0)?\n")
                    .containsPattern("herald_source_failing\\{source=\"moodle\"} 0(\\.0)?\n");

            // Scrapes while the sources are reconciled (every 2 s; here without pause) see the source's
            // row every time: re-registering the rows on each reconcile made a scrape miss it or fail.
            java.util.concurrent.atomic.AtomicBoolean scraping = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread reconciling = Thread.ofPlatform().start(() -> {
                while (scraping.get()) h.herald().sources().reconcile();
            });
            try {
                for (int i = 0; i < 300; i++) {
                    assertThat(api.get("/metrics").text()).as("scrape %d", i).containsPattern("herald_source_last_log_id\\{source=\"moodle\"} 282(\\.0)?\n");
                }
            } finally {
                scraping.set(false);
                reconciling.join();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void rowsCommittedOutOfIdOrderAreStoredExactlyOnce(MoodleDb.Kind kind, Backend backend) throws Exception {
        try (MoodleDb moodle = MoodleDb.create(kind); TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            pauseDeliveries(api);
            subscribe(api, "event");
            String id = createSource(api, moodle, Json.object().put("start", "beginning").put("poll_ms", 50));

            // A request that took its log id first commits last.
            try (Connection slow = moodle.connect(); Connection fast = moodle.connect()) {
                slow.setAutoCommit(false);
                long late = MoodleDb.insertLogRow(slow, "mdl_", 4);
                long a = MoodleDb.insertLogRow(fast, "mdl_", 4);
                long b = MoodleDb.insertLogRow(fast, "mdl_", 4);
                assertThat(late).isLessThan(a);
                await().atMost(WAIT).until(() -> events(h, id).keySet().containsAll(List.of(a, b)));
                await().atMost(WAIT).until(() -> api.get("/api/v1/sources/" + id + "/status").json().get("watched_ids").asInt() == 1);
                assertThat(events(h, id)).doesNotContainKey(late);
                slow.commit();
                await().atMost(WAIT).until(() -> events(h, id).containsKey(late));
                await().atMost(WAIT).until(() -> api.get("/api/v1/sources/" + id + "/status").json().get("watched_ids").asInt() == 0);
            }

            // Many writers, each holding its transaction open for a random while.
            Set<Long> written = new ConcurrentSkipListSet<>();
            try (var pool = Executors.newFixedThreadPool(6)) {
                for (int w = 0; w < 6; w++) {
                    pool.submit(() -> {
                        try (Connection c = moodle.connect()) {
                            c.setAutoCommit(false);
                            for (int i = 0; i < 60; i++) {
                                long logId = MoodleDb.insertLogRow(c, "mdl_", 4);
                                Thread.sleep(ThreadLocalRandom.current().nextInt(15)); // the rest of a Moodle request
                                c.commit();
                                written.add(logId);
                            }
                        }
                        return null;
                    });
                }
            }
            await().atMost(WAIT).until(() -> events(h, id).size() == written.size() + 3);
            assertThat(events(h, id).keySet()).containsAll(written);
            assertThat(count(h, "SELECT COUNT(*) FROM deliveries")).isEqualTo(written.size() + 3);
            assertThat(events(h, id).values()).allSatisfy(e -> assertThat(e.has("record")).isFalse());
        }
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void aRestartMidStreamResumesFromTheCheckpoint(MoodleDb.Kind kind, Backend backend) throws Exception {
        try (MoodleDb moodle = MoodleDb.create(kind); TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            pauseDeliveries(api);
            subscribe(api, "event");
            String id = createSource(api, moodle, Json.object().put("start", "beginning").put("batch_size", 20).put("poll_ms", 50));
            var writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (Connection c = moodle.connect()) {
                    for (int i = 0; i < 300; i++) {
                        MoodleDb.insertLogRow(c, "mdl_", 4);
                        Thread.sleep(10); // a steady stream of requests
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(WAIT).until(() -> events(h, id).size() >= 40);
            assertThat(writer).as("the restart comes mid-stream").isNotDone();
            h.restart();
            writer.join();
            await().atMost(WAIT).until(() -> events(h, id).size() == 300);
            assertThat(count(h, "SELECT COUNT(*) FROM deliveries")).isEqualTo(300);
            // the source's status moves on just after the events' commit
            long newest = new TreeSet<>(events(h, id).keySet()).last();
            await().atMost(WAIT).until(() -> h.api().get("/api/v1/sources/" + id).json().at("/status/last_log_id").asLong() == newest);
        }
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void aMoodleDatabaseThatGoesAwayIsRetriedAndHoldsUpNoOtherSource(MoodleDb.Kind kind, Backend backend) throws Exception {
        int dbPort = kind == MoodleDb.Kind.MARIADB ? 3306 : 5432;
        try (MoodleDb moodle = MoodleDb.create(kind); TestHerald h = TestHerald.start(backend);
             TcpProxy proxy = new TcpProxy(dbPort)) {
            Api api = h.api();
            pauseDeliveries(api);
            String direct = createSource(api, moodle, Json.object().put("name", "direct").put("start", "beginning").put("poll_ms", 50));
            String viaProxy = createSource(api, moodle, Json.object().put("name", "flaky").put("start", "beginning").put("poll_ms", 50)
                    .put("jdbc_url", moodle.jdbcUrl().replace(":" + dbPort + "/", ":" + proxy.port() + "/")));
            insert(moodle, 10);
            await().atMost(WAIT).until(() -> events(h, direct).size() == 10 && events(h, viaProxy).size() == 10);

            proxy.cut();
            insert(moodle, 10);
            await().atMost(WAIT).until(() -> events(h, direct).size() == 20);
            await().atMost(WAIT).until(() -> !api.get("/api/v1/sources/" + viaProxy).json().get("status").get("last_error").isNull());
            JsonNode down = api.get("/api/v1/sources/" + viaProxy).json().get("status");
            assertThat(down.get("state").asText()).isEqualTo("backing_off");
            assertThat(events(h, viaProxy)).hasSize(10);
            insert(moodle, 5);
            await().atMost(WAIT).until(() -> events(h, direct).size() == 25); // still tailing

            proxy.restore();
            await().atMost(WAIT).until(() -> events(h, viaProxy).size() == 25);
            await().atMost(WAIT).until(() -> api.get("/api/v1/sources/" + viaProxy).json().get("status").get("state").asText().equals("running"));
            assertThat(api.get("/api/v1/sources/" + viaProxy).json().get("status").get("last_error").isNull()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void twoNodesOnOneDatabaseTailASourceOnceAndTheSecondTakesOver(MoodleDb.Kind kind, Backend backend) throws Exception {
        if (backend == Backend.SQLITE) backend = Backend.POSTGRES; // two nodes share PostgreSQL
        try (MoodleDb moodle = MoodleDb.create(kind); TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            pauseDeliveries(api);
            subscribe(api, "event");
            String id = createSource(api, moodle, Json.object().put("start", "beginning").put("poll_ms", 50));
            insert(moodle, 20);
            await().atMost(WAIT).until(() -> events(h, id).size() == 20);
            // Same PostgreSQL database and master key (in the data directory), another process.
            try (var second = herald.app.Herald.start(herald.config.HeraldConfig.fromMap(h.environment()))) {
                Api api2 = new Api(second.port(), TestHerald.ADMIN_KEY);
                await().atMost(WAIT).until(() -> api2.get("/api/v1/sources/" + id + "/status").json().get("state").asText().equals("standby"));
                insert(moodle, 20);
                await().atMost(WAIT).until(() -> events(h, id).size() == 40);
                // Either node says where the source stands: the standby one as its holder committed it.
                await().atMost(WAIT).until(() -> api2.get("/api/v1/sources/" + id + "/status").json().get("last_log_id").asLong()
                        == api.get("/api/v1/sources/" + id + "/status").json().get("last_log_id").asLong());
                assertThat(api2.get("/api/v1/sources/" + id + "/status").json().get("last_log_id").isNull()).isFalse();
                h.herald().sources().close(); // the first node stops tailing and gives the lease back
                insert(moodle, 20);
                await().atMost(WAIT).until(() -> api2.get("/api/v1/sources/" + id + "/status").json().get("state").asText().equals("running"));
                await().atMost(WAIT).until(() -> events(h, id).size() == 60);
                assertThat(count(h, "SELECT COUNT(*) FROM deliveries")).isEqualTo(60);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void aLogRowReachesAReceiverAsAWebhook(MoodleDb.Kind kind, Backend backend) throws Exception {
        try (MoodleDb moodle = MoodleDb.create(kind); TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            Api api = h.api();
            var svc = api.post("/api/v1/services", Json.object().put("name", "crm").put("url", receiver.url() + "/hook"));
            var sub = Json.object().put("service_id", svc.json().get("id").asText());
            sub.putArray("events").add("\\core\\event\\course_*");
            sub.putObject("filter").putArray("all").addObject().put("path", "origin").put("equals", "web");
            assertThat(api.post("/api/v1/subscriptions", sub).status()).isEqualTo(201);
            // The moodle format's host is the source's site_url host (the service has no site_url).
            var plugin = Json.object().put("service_id", svc.json().get("id").asText()).put("format", "moodle").put("path", "/plugin");
            plugin.putArray("events").add("\\core\\event\\course_viewed");
            assertThat(api.post("/api/v1/subscriptions", plugin).status()).isEqualTo(201);
            // CloudEvents names each event by Herald's id: a log row's, although its document has no "id".
            var cloud = Json.object().put("service_id", svc.json().get("id").asText()).put("format", "cloudevents").put("path", "/ce");
            cloud.putArray("events").add("\\core\\event\\course_viewed");
            assertThat(api.post("/api/v1/subscriptions", cloud).status()).isEqualTo(201);
            String id = createSource(api, moodle, Json.object().put("poll_ms", 50).put("site_url", "https://lms.example.edu:8443/moodle"));
            await().atMost(WAIT).until(() -> api.get("/api/v1/sources/" + id).json().get("status").get("last_log_id").isNumber());
            long logId, alike;
            try (Connection c = moodle.connect()) {
                logId = MoodleDb.insertLogRow(c, "mdl_", 4);
                alike = MoodleDb.insertLogRow(c, "mdl_", 4); // the same view again: another row, another event
            }
            await().atMost(WAIT).until(() -> receiver.received().size() == 6);
            assertThat(receiver.received().stream().filter(r -> r.path().equals("/hook/ce")).map(r -> Json.read(r.body()).get("id").asText()))
                    .containsExactlyInAnyOrder(id + "-" + logId, id + "-" + alike);
            var byPath = receiver.received().stream().filter(r -> !r.path().equals("/hook") || Json.read(r.body()).get("log_id").asLong() == logId)
                    .collect(java.util.stream.Collectors.toMap(r -> r.path(), r -> r, (first, second) -> first));
            assertThat(Json.read(byPath.get("/hook/plugin").body()).get("host").asText()).isEqualTo("lms.example.edu");
            JsonNode delivered = Json.read(byPath.get("/hook").body());
            assertThat(delivered.get("eventname").asText()).isEqualTo("\\core\\event\\course_viewed");
            assertThat(delivered.get("log_id").asLong()).isEqualTo(logId);
            assertThat(delivered.get("courseid").asLong()).isEqualTo(4);
            assertThat(delivered.get("other")).isEqualTo(Json.read("{\"coursesection\":1}"));
        }
    }

    /** An other over the bound is not read (its length is): a batch of 1,000 such rows was a quarter of a GiB. */
    @ParameterizedTest
    @MethodSource("pairs")
    void anOtherOverItsBoundIsNotReadAndTheEventSaysSo(MoodleDb.Kind kind, Backend backend) throws Exception {
        try (MoodleDb moodle = MoodleDb.create(kind); TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            pauseDeliveries(api);
            long huge, fine;
            try (Connection c = moodle.connect()) {
                huge = MoodleDb.insertLogRow(c, "mdl_", 4);
                fine = MoodleDb.insertLogRow(c, "mdl_", 4);
                try (var ps = c.prepareStatement("UPDATE mdl_logstore_standard_log SET other = ? WHERE id = ?")) {
                    ps.setString(1, "{\"text\":\"" + "x".repeat(MoodleLog.MAX_OTHER_CHARS) + "\"}");
                    ps.setLong(2, huge);
                    ps.executeUpdate();
                }
            }
            String id = createSource(api, moodle, Json.object().put("start", "beginning").put("enrich", false));
            await().atMost(WAIT).until(() -> events(h, id).size() == 2);
            JsonNode e = events(h, id).get(huge);
            assertThat(e.get("other").isNull()).isTrue();
            assertThat(e.get("other_error").asText()).isEqualTo("not stored: " + (MoodleLog.MAX_OTHER_CHARS + 11)
                    + " characters, more than " + MoodleLog.MAX_OTHER_CHARS);
            assertThat(events(h, id).get(fine).get("other")).isEqualTo(Json.read("{\"coursesection\":1}"));
        }
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void aRecordThatCannotBeReadIsNullWithTheReasonAndTheEventStillArrives(MoodleDb.Kind kind, Backend backend) throws Exception {
        try (MoodleDb moodle = MoodleDb.create(kind); TestHerald h = TestHerald.start(backend)) {
            moodle.loadLogRows(); // the log only: no mdl_course and friends to read
            Api api = h.api();
            pauseDeliveries(api);
            subscribe(api, "nosey");
            String enriched = createSource(api, moodle, Json.object().put("name", "enriched").put("start", "beginning"));
            String plain = createSource(api, moodle, Json.object().put("name", "plain").put("start", "beginning").put("enrich", false));
            await().atMost(WAIT).until(() -> events(h, enriched).size() == 242 && events(h, plain).size() == 242);
            JsonNode courseCreated = events(h, enriched).get(54L);
            assertThat(courseCreated.get("record").isNull()).isTrue();
            assertThat(courseCreated.get("record_error").asText()).contains("mdl_course");
            assertThat(events(h, enriched).get(44L).has("record")).isFalse(); // objecttable null
            assertThat(events(h, plain).values()).allSatisfy(e -> assertThat(e.has("record")).isFalse());
        }
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void theReadOnlyUserOfTheDocsIsEnoughAndAMissingGrantOnlyCostsThatRecord(MoodleDb.Kind kind, Backend backend) throws Exception {
        try (MoodleDb moodle = MoodleDb.create(kind); TestHerald h = TestHerald.start(backend)) {
            moodle.loadLogRows();
            moodle.loadObjects();
            String user = "herald_reader_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
            moodle.createReadOnlyUser(user, "Reader-pw-7f3a", List.of("mdl_logstore_standard_log", "mdl_course"));
            Api api = h.api();
            pauseDeliveries(api);
            subscribe(api, "nosey");
            String id = createSource(api, moodle, Json.object().put("start", "beginning").put("user", user)
                    .put("password", "Reader-pw-7f3a"));
            await().atMost(WAIT).until(() -> events(h, id).size() == 242);
            Map<Long, JsonNode> events = events(h, id);
            assertThat(events.get(54L).get("record").get("shortname").asText()).isEqualTo("ALG-A1"); // course: granted
            assertThat(events.get(45L).get("record").isNull()).isTrue(); // user: no grant
            assertThat(events.get(45L).get("record_error").asText()).contains("mdl_user");

            var wrong = api.patch("/api/v1/sources/" + id, Json.object().put("password", "not-it"));
            assertThat(wrong.status()).isEqualTo(200);
            if (kind == MoodleDb.Kind.MARIADB) { // the local PostgreSQL trusts loopback logins: it checks no password
                await().atMost(WAIT).until(() -> api.get("/api/v1/sources/" + id).json().get("status").get("state").asText()
                        .equals("backing_off"));
                // In Herald's words, not the driver's (which could quote what any far end says).
                assertThat(api.get("/api/v1/sources/" + id).json().get("status").get("last_error").asText())
                        .contains("refused the user or password");
            }
        }
    }

    @Test
    void recordsAreLoadedForNoseyAndTemplatesThatUseThem() {
        assertThat(new herald.rendering.Formats().needsRecord(subscription("nosey", null))).isTrue();
        assertThat(new herald.rendering.Formats().needsRecord(subscription("template", "{\"name\": \"{{record.fullname}}\"}"))).isTrue();
        assertThat(new herald.rendering.Formats().needsRecord(subscription("template", "{{#record}}{{id}}{{/record}}"))).isTrue();
        assertThat(new herald.rendering.Formats().needsRecord(subscription("template", "{{other.recordid}} {{records}}"))).isFalse();
        assertThat(new herald.rendering.Formats().needsRecord(subscription("moodle", null))).isFalse();
    }

    private static herald.subscription.Subscription subscription(String format, String template) {
        var in = Json.object().put("service_id", "svc_x").put("format", format).put("template", template);
        in.putArray("events").add("*");
        return herald.subscription.SubscriptionJson.parse(in, null, new herald.rendering.Formats());
    }

    // --- helpers

    static String createSource(Api api, MoodleDb moodle, ObjectNode settings) {
        ObjectNode body = Json.object().put("name", "moodle").put("jdbc_url", moodle.jdbcUrl()).put("user", moodle.user());
        body.setAll(settings);
        var r = api.post("/api/v1/sources", body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static void pauseDeliveries(Api api) {
        assertThat(api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false)).status()).isEqualTo(200);
    }

    /** A service on a closed loopback port with one subscription to everything in {@code format}. */
    static void subscribe(Api api, String format) {
        var svc = api.post("/api/v1/services", Json.object().put("name", "sink-" + format).put("url", "http://127.0.0.1:9/hook"));
        assertThat(svc.status()).as(svc.text()).isEqualTo(201);
        var sub = Json.object().put("service_id", svc.json().get("id").asText()).put("format", format);
        sub.putArray("events").add("*");
        var r = api.post("/api/v1/subscriptions", sub);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    static void insert(MoodleDb moodle, int rows) throws Exception {
        try (Connection c = moodle.connect()) {
            for (int i = 0; i < rows; i++) MoodleDb.insertLogRow(c, "mdl_", 4);
        }
    }

    /** The stored events of a source by log id. */
    static Map<Long, JsonNode> events(TestHerald h, String sourceId) {
        return h.herald().database().read(c -> {
            Map<Long, JsonNode> out = new TreeMap<>();
            try (var ps = c.prepareStatement("SELECT body FROM events WHERE source = ?")) {
                ps.setString(1, sourceId);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        JsonNode body = Json.read(rs.getString(1));
                        assertThat(out.put(body.get("log_id").asLong(), body)).as("log id stored twice").isNull();
                    }
                }
            }
            return out;
        });
    }

    static long count(TestHerald h, String sql) {
        return h.herald().database().read(c -> {
            try (var rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** The fixture's target rows: table → id → row. */
    static Map<String, Map<Long, JsonNode>> objects() throws Exception {
        Map<String, Map<Long, JsonNode>> out = new HashMap<>();
        try (var files = Files.list(MoodleDb.FIXTURES.resolve("objects"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                Map<Long, JsonNode> rows = new HashMap<>();
                for (String line : Files.readString(f).split("\n")) {
                    if (!line.isBlank()) rows.put(Json.read(line).get("id").asLong(), Json.read(line));
                }
                out.put(f.getFileName().toString().replace(".jsonl", ""), rows);
            }
        }
        return out;
    }

    static JsonNode withoutCredentials(JsonNode row) {
        ObjectNode copy = row.deepCopy();
        List<String> drop = new ArrayList<>();
        copy.fieldNames().forEachRemaining(f -> {
            if (Records.isCredential(f)) drop.add(f);
        });
        assertThat(drop).allSatisfy(f -> assertThat(List.of("password", "secret", "enrolmentkey")).contains(f));
        copy.remove(drop);
        return copy;
    }

    /** Equal JSON, numbers compared by value (87.50000 is 87.5). */
    static void assertSameJson(JsonNode actual, JsonNode expected, String what) {
        assertThat(actual).as(what + " missing").isNotNull();
        if (expected.isNumber() && actual.isNumber()) {
            assertThat(new BigDecimal(actual.asText()).compareTo(new BigDecimal(expected.asText()))).as(what).isZero();
        } else if (expected.isObject()) {
            assertThat(actual.isObject()).as(what).isTrue();
            Set<String> names = new HashSet<>();
            actual.fieldNames().forEachRemaining(names::add);
            Set<String> expectedNames = new HashSet<>();
            expected.fieldNames().forEachRemaining(expectedNames::add);
            assertThat(names).as(what + " columns").isEqualTo(expectedNames);
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                assertSameJson(actual.get(f), expected.get(f), what + "." + f);
            }
        } else {
            assertThat(actual).as(what).isEqualTo(expected);
        }
    }

    /** The structure of a value: its kind, and for objects the shape of each member. */
    static String shape(JsonNode v) {
        if (v.isObject()) {
            StringBuilder sb = new StringBuilder("{");
            new TreeSet<>(iterable(v.fieldNames())).forEach(f -> sb.append(f).append(':').append(shape(v.get(f))).append(','));
            return sb.append('}').toString();
        }
        if (v.isArray()) return "[" + v.size() + "]";
        if (v.isNull()) return "null";
        return "scalar";
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}

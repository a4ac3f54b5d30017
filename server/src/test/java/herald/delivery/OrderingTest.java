package herald.delivery;

import static herald.delivery.Hooks.onlyDelivery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.Receiver.Reply;
import herald.testing.TestHerald;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Ordering per key: one learner's deliveries reach the receiver one at a time in event order; other learners are not held up. */
class OrderingTest {

    private static ObjectNode event(String id, int user) {
        ObjectNode e = Events.generic(id, "user.updated");
        ((ObjectNode) e.get("data").get("user")).put("id", user);
        return e;
    }

    private static String eventId(Receiver.Received r) {
        return Json.read(r.body()).get("id").asText();
    }

    private static String orderedService(Api api, Receiver receiver, String name) {
        ObjectNode svc = Json.object().put("name", name).put("url", receiver.url());
        svc.putObject("retry").putArray("schedule_s").add(1).add(1).add(1).add(1).add(1).add(1).add(1).add(1);
        svc.putObject("circuit_breaker").put("threshold", 10_000);
        String id = api.post("/api/v1/services", svc).json().get("id").asText();
        ObjectNode sub = Json.object().put("service_id", id).put("format", "event").put("ordering_key", "data.user.id");
        sub.putArray("events").add("user.*");
        var created = api.post("/api/v1/subscriptions", sub);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().get("ordering_key").asText()).isEqualTo("data.user.id");
        return id;
    }

    private record Ordered(String serviceId, String subscriptionId) {}

    /** A service whose deliveries are dead at their first failure (no retries; its breaker does not open), ordered by learner. */
    private static Ordered orderedWithoutRetries(Api api, Receiver receiver) {
        ObjectNode once = Json.object().put("name", "lms-crm").put("url", receiver.url());
        once.putObject("retry").putArray("schedule_s");
        once.putObject("circuit_breaker").put("threshold", 10_000);
        String id = api.post("/api/v1/services", once).json().get("id").asText();
        ObjectNode sub = Json.object().put("service_id", id).put("format", "event").put("ordering_key", "data.user.id");
        sub.putArray("events").add("user.*");
        return new Ordered(id, api.post("/api/v1/subscriptions", sub).json().get("id").asText());
    }

    private static double handedOff(Api api) {
        Matcher m = Pattern.compile("(?m)^herald_deliveries_handed_off_total (\\S+)$").matcher(api.get("/metrics").text());
        assertThat(m.find()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** The index in {@code got} of the first successful request for {@code eventId}. */
    private static int success(List<Receiver.Received> got, Map<Receiver.Received, Integer> status, String eventId) {
        for (int i = 0; i < got.size(); i++) if (eventId(got.get(i)).equals(eventId) && status.get(got.get(i)) == 200) return i;
        return -1;
    }

    /** Holds a receiver's answer until {@code answer} opens. */
    private static void awaitQuietly(CountDownLatch answer) {
        try {
            answer.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int first(List<Receiver.Received> got, String eventId) {
        for (int i = 0; i < got.size(); i++) if (eventId(got.get(i)).equals(eventId)) return i;
        return -1;
    }

    @Test
    void aFailingHeadHoldsItsKeyButNotTheOthers() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Map<String, Integer> tries = new ConcurrentHashMap<>();
            Map<Receiver.Received, Integer> answered = new ConcurrentHashMap<>();
            receiver.reply(r -> {
                String id = eventId(r);
                int n = tries.merge(id, 1, Integer::sum);
                int status = id.equals("a1") && n <= 2 ? 500 : 200; // learner 1's first event fails twice
                answered.put(r, status);
                return Reply.status(status);
            });
            Api api = h.api();
            orderedService(api, receiver, "crm");
            api.post("/api/v1/events", List.of(event("a1", 1), event("b1", 2), event("a2", 1), event("b2", 2), event("a3", 1)));
            await().atMost(Duration.ofSeconds(30)).until(() -> List.of("a1", "a2", "a3", "b1", "b2").stream()
                    .allMatch(e -> onlyDelivery(api, e).get("status").asText().equals("delivered")));

            List<Receiver.Received> got = new ArrayList<>(receiver.received());
            int a1 = success(got, answered, "a1"), a2 = first(got, "a2"), a3 = first(got, "a3");
            assertThat(a2).as("a2 waits for a1's retries").isGreaterThan(a1);
            assertThat(a3).as("a3 after a2").isGreaterThan(success(got, answered, "a2"));
            assertThat(first(got, "b1")).as("learner 2 is not held up by learner 1").isLessThan(a1);
            assertThat(first(got, "b2")).isLessThan(a1);
            assertThat(tries.get("a1")).isEqualTo(3);
        }
    }

    @Test
    void theOrderHoldsAcrossARestartAndADeadHeadLetsTheNextGo() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            AtomicBoolean up = new AtomicBoolean(false);
            receiver.reply(r -> Reply.status(eventId(r).equals("r1") && !up.get() ? 503 : 200));
            Api api = h.api();
            orderedService(api, receiver, "hr");
            api.post("/api/v1/events", List.of(event("r1", 7), event("r2", 7)));
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() >= 2); // r1 failing, retried
            h.restart();
            Api after = h.api();
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() >= 3); // still retrying r1 after the restart
            assertThat(receiver.received()).allSatisfy(r -> assertThat(eventId(r)).isEqualTo("r1"));
            up.set(true);
            await().atMost(Duration.ofSeconds(20)).until(() -> onlyDelivery(after, "r2").get("status").asText().equals("delivered"));
            List<Receiver.Received> got = receiver.received();
            assertThat(eventId(got.get(got.size() - 1))).isEqualTo("r2");

            // a head that dies lets the next of its key go
            ObjectNode once = Json.object().put("name", "once").put("url", receiver.url());
            once.putObject("retry").putArray("schedule_s");
            String id = after.post("/api/v1/services", once).json().get("id").asText();
            ObjectNode sub = Json.object().put("service_id", id).put("format", "event").put("ordering_key", "data.user.id");
            sub.putArray("events").add("order.*");
            after.post("/api/v1/subscriptions", sub);
            up.set(false);
            receiver.reply(r -> Reply.status(eventId(r).equals("d1") ? 500 : 200));
            after.post("/api/v1/events", List.of(Events.generic("d1", "order.placed"), Events.generic("d2", "order.placed")));
            await().atMost(Duration.ofSeconds(20)).until(() -> onlyDelivery(after, "d2").get("status").asText().equals("delivered"));
            assertThat(onlyDelivery(after, "d1").get("status").asText()).isEqualTo("dead");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aKeysNextDeliveryWaitsOutOfTheClaimsWayAndGoesStraightFromItsHeadsOutcome(Backend backend) throws Exception {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            CountDownLatch answer = new CountDownLatch(1);
            receiver.reply(r -> {
                if (eventId(r).equals("n1")) awaitQuietly(answer);
                return Reply.status(200);
            });
            Api api = h.api();
            String gradebook = orderedService(api, receiver, "gradebook");
            Dispatcher dispatcher = h.herald().dispatcher();
            int room = dispatcher.freeRoom();
            long posted = System.currentTimeMillis();
            api.post("/api/v1/events", List.of(event("n1", 5), event("n2", 5)));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            api.post("/api/v1/events", List.of(event("n3", 5), event("other", 6))); // n3's key is busy in the store

            // While n1's request is open, n2 (behind n1 in its batch) and n3 (behind the stored ones) are
            // not due: no claim steps over them. Another learner's event goes at once.
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);
            assertThat(eventId(receiver.received().get(1))).isEqualTo("other");
            String head = onlyDelivery(api, "n1").get("id").asText();
            for (String later : List.of("n2", "n3")) {
                JsonNode d = onlyDelivery(api, later);
                assertThat(d.get("status").asText()).isEqualTo("pending");
                assertThat(Instant.parse(d.get("next_attempt_at").asText()).toEpochMilli())
                        .isGreaterThanOrEqualTo(posted + OrderingKeys.HELD_MS);
                // the API names what it waits for: the head of its key
                JsonNode detail = api.get("/api/v1/deliveries/" + d.get("id").asText()).json();
                assertThat(detail.get("ordering_key").asText()).isEqualTo("5");
                assertThat(detail.get("waiting_for").asText()).isEqualTo(head);
            }
            assertThat(api.get("/api/v1/deliveries/" + head).json().get("waiting_for").isNull()).isTrue();
            // n1's request has been open long enough to count as a slow send
            await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.slowSends(gradebook) == 1);
            double handedOff = handedOff(api);
            answer.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> List.of("n1", "n2", "n3").stream()
                    .allMatch(e -> onlyDelivery(api, e).get("status").asText().equals("delivered")));
            assertThat(receiver.received()).extracting(OrderingTest::eventId).containsExactly("n1", "other", "n2", "n3");
            // n2 went from n1's recorded outcome straight to the sender, without a claim (n1's long request
            // no longer counts as a slow send once it is over), and n3 from n2's
            assertThat(handedOff(api)).isEqualTo(handedOff + 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.freeRoom() == room);
        }
    }

    /**
     * PostgreSQL, several writers: an ingest appending behind a key's last delivery, and that
     * delivery's outcome, race at the key's tail. The new delivery goes on as soon as both are
     * committed; it is never left held for {@link OrderingKeys#HELD_MS} behind an outcome that the
     * ingest did not see. Here the ingest reads the tail first (its head is being sent), and is then
     * stopped before its commit by a transaction of the test's own (an uncommitted catalog row for
     * the new event's type) while the outcome is recorded: the outcome must wait for the ingest's
     * commit and then find the held delivery (without locking the tail, it found nothing and the held
     * delivery waited out its minute).
     */
    @Test
    void anOutcomeWaitsForAnIngestThatHeldADeliveryBehindIt() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.POSTGRES); Receiver receiver = new Receiver()) {
            CountDownLatch answer = new CountDownLatch(1);
            Api api = heldHead(h, receiver, answer);
            String url = h.environment().get("HERALD_DATABASE_URL");
            try (Connection stop = DriverManager.getConnection(url); Connection watch = DriverManager.getConnection(url)) {
                stop.setAutoCommit(false);
                stop.createStatement().execute("INSERT INTO event_types_seen (name, first_seen_at) VALUES ('user.renamed', 0)");
                CompletableFuture<Integer> ingest = CompletableFuture.supplyAsync(() -> api.post("/api/v1/events",
                        List.of(event("t2", 8).put("type", "user.renamed"))).status());
                await().atMost(Duration.ofSeconds(10)).until(() -> lockWaits(watch) == 1); // t2 held, the ingest stopped
                answer.countDown();
                await().atMost(Duration.ofSeconds(10)).until(() -> lockWaits(watch) == 2
                        || onlyDelivery(api, "t1").get("status").asText().equals("delivered"));
                stop.rollback();
                assertThat(ingest.get(10, TimeUnit.SECONDS)).isEqualTo(202);
            }
            assertOnInTurn(api, receiver);
        }
    }

    /**
     * The other way round: the outcome takes the key's tail first and the ingest waits for it (a
     * transaction of the test's own holds the tail until both queue for it, the outcome first). The
     * ingest must read the head's state after its lock is granted, and send the new delivery on:
     * read in the statement that waited for the lock, the head was seen as still being sent, and the
     * new delivery waited out its minute.
     */
    @Test
    void anIngestThatWaitedForTheTailSeesAnOutcomeCommittedMeanwhile() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.POSTGRES); Receiver receiver = new Receiver()) {
            CountDownLatch answer = new CountDownLatch(1);
            Api api = heldHead(h, receiver, answer);
            String url = h.environment().get("HERALD_DATABASE_URL");
            try (Connection tail = DriverManager.getConnection(url); Connection watch = DriverManager.getConnection(url)) {
                tail.setAutoCommit(false);
                tail.createStatement().executeQuery("SELECT delivery_id FROM ordering_tails FOR UPDATE").close();
                answer.countDown();
                await().atMost(Duration.ofSeconds(10)).until(() -> lockWaits(watch) == 1); // the outcome, at the tail
                CompletableFuture<Integer> ingest = CompletableFuture.supplyAsync(() -> api.post("/api/v1/events",
                        List.of(event("t2", 8))).status());
                await().atMost(Duration.ofSeconds(10)).until(() -> lockWaits(watch) == 2); // and the ingest behind it
                tail.commit();
                assertThat(ingest.get(10, TimeUnit.SECONDS)).isEqualTo(202);
            }
            assertOnInTurn(api, receiver);
        }
    }

    /**
     * PostgreSQL: a retry of an ordered dead letter locks its row, then its key's tail (to move it to
     * the end of the line); an outcome of the same key takes them the other way round. When the two
     * deadlock and the retry is PostgreSQL's victim, it runs again instead of answering 503 (a
     * transaction of the test's own plays the outcome: the tail, then the dead letter's row).
     */
    @Test
    void aRetryEndedByADeadlockRunsAgain() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.POSTGRES); Receiver receiver = new Receiver()) {
            AtomicBoolean fails = new AtomicBoolean(true);
            receiver.reply(r -> Reply.status(fails.get() ? 500 : 200));
            Api api = h.api();
            orderedWithoutRetries(api, receiver);
            api.post("/api/v1/events", List.of(event("d1", 4)));
            await().atMost(Duration.ofSeconds(10)).until(() -> onlyDelivery(api, "d1").get("status").asText().equals("dead"));
            String dead = onlyDelivery(api, "d1").get("id").asText();
            fails.set(false);
            String url = h.environment().get("HERALD_DATABASE_URL");
            try (Connection outcome = DriverManager.getConnection(url); Connection watch = DriverManager.getConnection(url)) {
                outcome.setAutoCommit(false);
                outcome.createStatement().executeQuery("SELECT delivery_id FROM ordering_tails FOR UPDATE").close();
                CompletableFuture<Integer> retry = CompletableFuture.supplyAsync(
                        () -> api.post("/api/v1/deliveries/" + dead + "/retry", Json.object()).status());
                await().atMost(Duration.ofSeconds(10)).until(() -> lockWaits(watch) == 1); // its row locked, at the tail
                try (var ps = outcome.prepareStatement("UPDATE deliveries SET updated_at = updated_at WHERE id = ?")) {
                    ps.setString(1, dead);
                    assertThat(ps.executeUpdate()).isEqualTo(1); // granted once the retry's first run was ended
                }
                outcome.rollback();
                assertThat(retry.get(20, TimeUnit.SECONDS)).isLessThan(300);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> onlyDelivery(api, "d1").get("status").asText().equals("delivered"));
        }
    }

    /** An ordered service whose first delivery, t1 (key 8), is being sent until {@code answer} opens. */
    private static Api heldHead(TestHerald h, Receiver receiver, CountDownLatch answer) {
        receiver.reply(r -> {
            if (eventId(r).equals("t1")) awaitQuietly(answer);
            return Reply.status(200);
        });
        Api api = h.api();
        orderedService(api, receiver, "tail-race");
        api.post("/api/v1/events", List.of(event("t1", 8)));
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
        return api;
    }

    /** t1 then t2, well within {@link OrderingKeys#HELD_MS}. */
    private static void assertOnInTurn(Api api, Receiver receiver) {
        await().atMost(Duration.ofSeconds(20)).until(() -> List.of("t1", "t2").stream()
                .allMatch(e -> onlyDelivery(api, e).get("status").asText().equals("delivered")));
        assertThat(receiver.received()).extracting(OrderingTest::eventId).containsExactly("t1", "t2");
    }

    /** How many of the database's sessions wait for a lock. */
    private static int lockWaits(Connection watch) {
        try (var rs = watch.createStatement().executeQuery("SELECT COUNT(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A dead letter replayed goes to the end of its key's line, never beside a later one of its key
     * that went on meanwhile; a waiting delivery deleted from the middle of a line leaves the ones
     * behind it waiting for the one before it.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aReplayedDeadLetterGoesToTheEndOfItsKeysLineAndADeletedOneLeavesIt(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            CountDownLatch answer = new CountDownLatch(1);
            AtomicBoolean x1Fails = new AtomicBoolean(true);
            receiver.reply(r -> {
                if (eventId(r).equals("x1") && x1Fails.get()) return Reply.status(500);
                if (eventId(r).equals("x2")) awaitQuietly(answer);
                return Reply.status(200);
            });
            Api api = h.api();
            String subscription = orderedWithoutRetries(api, receiver).subscriptionId();
            api.post("/api/v1/events", List.of(event("x1", 3), event("x2", 3), event("x3", 3), event("x4", 3)));
            // x1 is dead at its first attempt, x2 goes on and its request stays open
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 2);
            String head = onlyDelivery(api, "x2").get("id").asText();
            assertThat(onlyDelivery(api, "x1").get("status").asText()).isEqualTo("dead");

            assertThat(api.delete("/api/v1/deliveries/" + onlyDelivery(api, "x3").get("id").asText()).status()).isEqualTo(204);
            x1Fails.set(false);
            String replayed = onlyDelivery(api, "x1").get("id").asText();
            assertThat(api.post("/api/v1/deliveries/" + replayed + "/retry", Json.object()).status()).isLessThan(300);
            for (String waiting : List.of("x4", "x1")) {
                JsonNode detail = api.get("/api/v1/deliveries/" + onlyDelivery(api, waiting).get("id").asText()).json();
                assertThat(detail.get("waiting_for").asText()).as(waiting).isEqualTo(head);
            }
            answer.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> List.of("x1", "x2", "x4").stream()
                    .allMatch(e -> onlyDelivery(api, e).get("status").asText().equals("delivered")));
            assertThat(receiver.received()).extracting(OrderingTest::eventId).containsExactly("x1", "x2", "x4", "x1");
            assertThat(receiver.maxConcurrent()).as("one request of the key at a time").isEqualTo(1);

            // a deleted subscription's keys' lines go with it
            assertThat(tails(h, subscription)).isEqualTo(1);
            assertThat(api.delete("/api/v1/subscriptions/" + subscription).status()).isEqualTo(204);
            assertThat(tails(h, subscription)).isZero();
        }
    }

    /**
     * A replay is committed a chunk at a time (500); the dead letters of one key replayed together,
     * more than a chunk of them, still go out one at a time in their events' order.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aReplayOfMoreThanOneChunkKeepsEachKeysOrder(Backend backend) {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            AtomicBoolean fails = new AtomicBoolean(true);
            receiver.reply(r -> Reply.status(fails.get() ? 500 : 200));
            Api api = h.api();
            String id = orderedWithoutRetries(api, receiver).serviceId();
            int n = 620;
            List<ObjectNode> events = new ArrayList<>();
            for (int i = 0; i < n; i++) events.add(event("c" + i, 11));
            api.ingest(events);
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() == n);
            await().atMost(Duration.ofSeconds(10)).until(() -> api.post("/api/v1/deliveries/replay?dry_run=true",
                    Json.object().put("service_id", id)).json().get("would_replay").asInt() == n); // all dead
            fails.set(false);
            var replay = api.post("/api/v1/deliveries/replay", Json.object().put("service_id", id));
            assertThat(replay.json().get("replayed").asInt()).as(replay.text()).isEqualTo(n);
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() == 2 * n);
            List<String> resent = receiver.received().subList(n, 2 * n).stream().map(OrderingTest::eventId).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) expected.add("c" + i);
            assertThat(resent).isEqualTo(expected);
            assertThat(receiver.maxConcurrent()).as("one request of the key at a time").isEqualTo(1);
        }
    }

    private static int tails(TestHerald h, String subscriptionId) {
        return h.herald().database().read(c -> {
            try (var ps = c.prepareStatement("SELECT COUNT(*) FROM ordering_tails WHERE subscription_id = ?")) {
                ps.setString(1, subscriptionId);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Test
    void theLaterDeliveriesOfAKeyWaitAsLongAsItsRetryingHead() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            receiver.answer(() -> 503);
            Api api = h.api();
            ObjectNode svc = Json.object().put("name", "slow-retry").put("url", receiver.url());
            svc.putObject("retry").putArray("schedule_s").add(300);
            String id = api.post("/api/v1/services", svc).json().get("id").asText();
            ObjectNode sub = Json.object().put("service_id", id).put("format", "event").put("ordering_key", "data.user.id");
            sub.putArray("events").add("user.*");
            api.post("/api/v1/subscriptions", sub);
            api.post("/api/v1/events", List.of(event("h1", 9), event("h2", 9), event("h3", 9), event("other", 10)));
            await().atMost(Duration.ofSeconds(20)).until(() -> onlyDelivery(api, "h1").get("status").asText().equals("retrying")
                    && onlyDelivery(api, "other").get("status").asText().equals("retrying"));
            String due = onlyDelivery(api, "h1").get("next_attempt_at").asText();
            // not stepped over by every claim for five minutes: they wait with their head
            assertThat(onlyDelivery(api, "h2").get("next_attempt_at").asText()).isEqualTo(due);
            assertThat(onlyDelivery(api, "h3").get("next_attempt_at").asText()).isEqualTo(due);
            assertThat(receiver.received()).extracting(OrderingTest::eventId).containsExactlyInAnyOrder("h1", "other");
        }
    }

    @Test
    void twoNodesKeepEachKeysOrder() {
        String masterKey = Base64.getEncoder().encodeToString(new byte[32]);
        try (TestHerald a = TestHerald.start(Backend.POSTGRES, Map.of("HERALD_MASTER_KEY", masterKey));
             TestHerald b = TestHerald.start(Backend.POSTGRES, Map.of("HERALD_MASTER_KEY", masterKey,
                     "HERALD_DATABASE_URL", a.environment().get("HERALD_DATABASE_URL")));
             Receiver receiver = new Receiver()) {
            Map<String, Integer> tries = new ConcurrentHashMap<>();
            Map<Receiver.Received, Integer> answered = new ConcurrentHashMap<>();
            receiver.reply(r -> {
                String id = eventId(r);
                int n = tries.merge(id, 1, Integer::sum);
                int status = id.hashCode() % 3 == 0 && n == 1 ? 500 : 200; // a third of the events fail once
                answered.put(r, status);
                return Reply.status(status);
            });
            orderedService(a.api(), receiver, "lrs");
            int keys = 20, perKey = 10;
            for (int i = 0; i < perKey; i++) {
                List<ObjectNode> batch = new ArrayList<>();
                for (int k = 0; k < keys; k++) batch.add(event("k" + k + "-" + i, 100 + k));
                assertThat((i % 2 == 0 ? a : b).api().post("/api/v1/events", batch).status()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> tries.size() == keys * perKey
                    && answered.values().stream().filter(s -> s == 200).count() >= keys * perKey);

            List<Receiver.Received> got = new ArrayList<>(receiver.received());
            Map<String, List<String>> firstSeen = new HashMap<>();
            for (Receiver.Received r : got) {
                String id = eventId(r);
                List<String> order = firstSeen.computeIfAbsent(id.substring(0, id.indexOf('-')), k -> new ArrayList<>());
                if (!order.contains(id)) order.add(id);
            }
            for (var e : firstSeen.entrySet()) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < perKey; i++) expected.add(e.getKey() + "-" + i);
                assertThat(e.getValue()).as("key %s", e.getKey()).isEqualTo(expected);
                for (int i = 1; i < perKey; i++) { // each one only once the one before it succeeded
                    assertThat(first(got, expected.get(i))).as(expected.get(i)).isGreaterThan(success(got, answered, expected.get(i - 1)));
                }
            }
            assertThat(Set.copyOf(firstSeen.keySet())).hasSize(keys);
        }
    }
}

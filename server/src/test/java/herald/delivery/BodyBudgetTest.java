package herald.delivery;

import static herald.delivery.Hooks.serviceSubscribedToAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.Receiver.Reply;
import herald.testing.TestHerald;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What deliveries being sent hold of their events' bodies is bounded (HERALD_DELIVERY_MEMORY_BYTES):
 * a backlog of large events is read a budget's worth at a time, the rest wait unread and unspent.
 */
class BodyBudgetTest {
    /**
     * Four bodies of {@link #LARGE} are taken on under it, each counted three times (0, 90, 180 and
     * 270 thousand held before each), not five.
     */
    private static final String BUDGET = "300000";
    private static final int LARGE = 30_000;
    private static final int EVENTS = 12;

    private static List<ObjectNode> large(String prefix) {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            ObjectNode e = Events.generic(prefix + i, "test.large");
            ((ObjectNode) e.get("data")).put("blob", "x".repeat(LARGE));
            events.add(e);
        }
        return events;
    }

    private static void awaitAllDeliveredOnce(TestHerald h, Receiver receiver, String svc) {
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= EVENTS);
        Api api = h.api();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get("/api/v1/deliveries?limit=500&status=delivered&service_id=" + svc).json().get("items").size() == EVENTS);
        assertThat(receiver.received().stream().map(r -> r.header("webhook-id")).distinct()).as("each sent once").hasSize(EVENTS);
        for (var d : api.get("/api/v1/deliveries?limit=500&service_id=" + svc).json().get("items")) {
            assertThat(d.get("attempts").asInt()).as("no attempt spent on the deliveries that waited").isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> h.herald().dispatcher().heldBodies() == 0); // none leaked
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aBacklogOfLargeEventsIsClaimedNoMoreThanTheBudgetHolds(Backend backend) {
        try (TestHerald h = TestHerald.start(backend, Map.of("HERALD_DELIVERY_MEMORY_BYTES", BUDGET));
             Receiver receiver = new Receiver()) {
            receiver.reply(r -> Reply.status(200).after(300));
            String svc = serviceSubscribedToAll(h.api(), "large", receiver.url(), null);
            assertThat(h.api().put("/api/v1/settings", Json.object().put("deliveries_enabled", false)).status()).isEqualTo(200);
            h.api().ingest(large("backlog-"));
            assertThat(h.api().put("/api/v1/settings", Json.object().put("deliveries_enabled", true)).status()).isEqualTo(200);
            awaitAllDeliveredOnce(h, receiver, svc);
            // Without the budget all twelve were claimed, read and sent at once (64 slots).
            assertThat(receiver.maxConcurrent()).isBetween(1, 4);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void largeEventsHandedOffByIngestCountToo(Backend backend) {
        try (TestHerald h = TestHerald.start(backend, Map.of("HERALD_DELIVERY_MEMORY_BYTES", BUDGET));
             Receiver receiver = new Receiver()) {
            receiver.reply(r -> Reply.status(200).after(300));
            String svc = serviceSubscribedToAll(h.api(), "large", receiver.url(), null);
            h.api().ingest(large("handed-"));
            awaitAllDeliveredOnce(h, receiver, svc);
            assertThat(receiver.maxConcurrent()).isBetween(1, 4);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anEventLargerThanTheWholeBudgetStillGoes(Backend backend) {
        try (TestHerald h = TestHerald.start(backend, Map.of("HERALD_DELIVERY_MEMORY_BYTES", "1024"));
             Receiver receiver = new Receiver()) {
            String svc = serviceSubscribedToAll(h.api(), "large", receiver.url(), null);
            assertThat(h.api().put("/api/v1/settings", Json.object().put("deliveries_enabled", false)).status()).isEqualTo(200);
            h.api().ingest(large("alone-"));
            assertThat(h.api().put("/api/v1/settings", Json.object().put("deliveries_enabled", true)).status()).isEqualTo(200);
            awaitAllDeliveredOnce(h, receiver, svc);
            assertThat(receiver.maxConcurrent()).isEqualTo(1);
            assertThat(receiver.received().getFirst().body()).contains("x".repeat(LARGE));
        }
    }

    /**
     * A limited service's claims are read whatever the budget: cut behind older events of another
     * service, each spent a token and went back, turn after turn, until that backlog was sent.
     */
    @org.junit.jupiter.api.Test
    void aRateLimitedServiceIsNotStarvedByAnotherServicesBacklogOfLargeEvents() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE, Map.of("HERALD_DELIVERY_MEMORY_BYTES", String.valueOf(3 * LARGE)));
             Receiver backlog = new Receiver(); Receiver limited = new Receiver()) {
            backlog.reply(r -> Reply.status(200).after(300));
            Api api = h.api();
            String busy = api.post("/api/v1/services", Json.object().put("name", "busy").put("url", backlog.url())).json().get("id").asText();
            var sub = Json.object().put("service_id", busy);
            sub.putArray("events").add("test.old");
            assertThat(api.post("/api/v1/subscriptions", sub).status()).isEqualTo(201);
            String rated = api.post("/api/v1/services", Json.object().put("name", "rated").put("url", limited.url())
                    .put("rate_limit_per_s", 1)).json().get("id").asText();
            var ratedSub = Json.object().put("service_id", rated);
            ratedSub.putArray("events").add("test.new");
            assertThat(api.post("/api/v1/subscriptions", ratedSub).status()).isEqualTo(201);
            assertThat(api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false)).status()).isEqualTo(200);
            // Read in id order: the backlog's events come first.
            List<ObjectNode> old = large("a-old-");
            old.addAll(large("a-older-"));
            old.forEach(e -> e.put("type", "test.old"));
            api.ingest(old);
            List<ObjectNode> fresh = large("z-new-").subList(0, 3);
            fresh.forEach(e -> e.put("type", "test.new"));
            api.ingest(fresh);
            assertThat(api.put("/api/v1/settings", Json.object().put("deliveries_enabled", true)).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> limited.received().size() == 3);
            assertThat(backlog.received().size()).as("the rated service's three went while the backlog was being sent")
                    .isLessThan(2 * EVENTS);
        }
    }
}

package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import herald.config.ConfigException;
import herald.json.Json;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Two Herald nodes on one PostgreSQL database share the work. */
class NodesTest {

    @Test
    void twoNodesDeliverTenThousandEventsWithNoDoubleClaim() throws Exception {
        String masterKey = Base64.getEncoder().encodeToString(new byte[32]); // both nodes read the same secrets
        try (TestHerald a = TestHerald.start(Backend.POSTGRES, Map.of("HERALD_MASTER_KEY", masterKey));
             TestHerald b = TestHerald.start(Backend.POSTGRES, Map.of("HERALD_MASTER_KEY", masterKey,
                     "HERALD_DATABASE_URL", a.environment().get("HERALD_DATABASE_URL")));
             Receiver receiver = new Receiver()) {
            Hooks.serviceSubscribedToAll(a.api(), "sink", receiver.url(), null);

            // A commit of waiting deliveries on node A wakes node B through NOTIFY. (With deliveries on,
            // A's own dispatcher takes a fresh event's deliveries straight from the commit and nothing waits.)
            a.api().put("/api/v1/settings", Json.MAPPER.readTree("{\"deliveries_enabled\":false}"));
            long wakes = b.herald().dispatcher().remoteWakes();
            a.api().post("/api/v1/events", Events.courseViewed("wake-1"));
            await().atMost(Duration.ofSeconds(5)).until(() -> b.herald().dispatcher().remoteWakes() > wakes);
            a.api().put("/api/v1/settings", Json.MAPPER.readTree("{\"deliveries_enabled\":true}"));
            await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 1);

            int total = 10_000;
            for (int batch = 0; batch < total / 500; batch++) {
                ArrayNode events = Json.MAPPER.createArrayNode();
                for (int i = 0; i < 500; i++) events.add(Events.courseViewed("n-" + batch + "-" + i));
                var node = batch % 2 == 0 ? a : b;
                assertThat(node.api().post("/api/v1/events", events).status()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(180)).until(() -> receiver.received().size() >= total + 1);

            Set<String> webhookIds = new HashSet<>();
            receiver.received().forEach(r -> webhookIds.add(r.header("webhook-id")));
            assertThat(webhookIds).hasSize(total + 1);
            assertThat(receiver.received()).hasSize(total + 1);
            // Receivers see a request before its node records the outcome: wait for every record, then
            // check that no delivery has two.
            java.util.function.Supplier<long[]> attempts = () -> a.herald().database().read(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT COUNT(*), COUNT(DISTINCT delivery_id) FROM attempts")) {
                    rs.next();
                    return new long[] {rs.getLong(1), rs.getLong(2)};
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> attempts.get()[1] >= total + 1);
            assertThat(attempts.get()).containsExactly(total + 1, total + 1);
        }
    }

    @Test
    void aNodeWhoseMasterKeyCannotReadTheSecretsRefusesToStartAndSaysWhy() {
        byte[] other = new byte[32];
        other[0] = 1;
        try (TestHerald a = TestHerald.start(Backend.POSTGRES, Map.of("HERALD_MASTER_KEY", Base64.getEncoder().encodeToString(new byte[32])))) {
            Hooks.serviceSubscribedToAll(a.api(), "signed", "http://127.0.0.1:9/hook", null); // its signing secret is encrypted
            long clientsBefore = outboundClientThreads();
            assertThatThrownBy(() -> TestHerald.start(Backend.SQLITE, Map.of(
                    "HERALD_DATABASE_URL", a.environment().get("HERALD_DATABASE_URL"),
                    "HERALD_MASTER_KEY", Base64.getEncoder().encodeToString(other))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("HERALD_MASTER_KEY cannot read the secrets stored in this database");
            assertThat(a.api().get("/api/v1/services").status()).as("the running node is untouched").isEqualTo(200);
            // The refused start built its HTTP client beside the database's opening: it is stopped, not left running.
            await().atMost(Duration.ofSeconds(10)).until(() -> outboundClientThreads() <= clientsBefore);
        }
    }

    /**
     * Two nodes started on an empty database with keys of their own (no HERALD_MASTER_KEY, so each
     * made a master.key) both started, having no secret to try their key on; the second could then
     * read nothing the first wrote, while it answered healthy. The first start seals a check value.
     */
    @Test
    void aSecondNodeWithAKeyOfItsOwnIsRefusedEvenOnAnEmptyDatabase() {
        try (TestHerald a = TestHerald.start(Backend.POSTGRES)) {
            assertThatThrownBy(() -> TestHerald.start(Backend.SQLITE, Map.of("HERALD_DATABASE_URL", a.environment().get("HERALD_DATABASE_URL"))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("master.key (this node's own: HERALD_MASTER_KEY is not set) cannot read the secrets stored in this database");
            assertThat(a.api().post("/api/v1/events", Events.courseViewed("still-1")).status()).isEqualTo(202);
        }
    }

    /** Threads of running outbound clients: each client has one DNS timeout thread. */
    private static long outboundClientThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("dns-timeouts")).count();
    }
}

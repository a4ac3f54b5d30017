package herald.delivery;

import static herald.delivery.Hooks.serviceSubscribedToAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A fresh event's deliveries go from the ingest commit straight to this node's dispatcher. */
class HandoffTest {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFreshDeliveryIsStoredClaimedWithALeaseAndSentWithoutAClaim(Backend backend) throws Exception {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            CountDownLatch answer = new CountDownLatch(1);
            receiver.reply(r -> {
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Receiver.Reply.status(200);
            });
            serviceSubscribedToAll(h.api(), "held", receiver.url(), Json.object().put("timeout_ms", 20_000));
            long posted = System.currentTimeMillis();
            assertThat(h.api().post("/api/v1/events", Events.courseViewed("hot-1")).status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);

            // While its request is open, the delivery is on record as this node's, with a lease that outlasts
            // the service's timeout: if the node died now, another would take it after the lease.
            var row = h.herald().database().read(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT status, lease_until, attempts FROM deliveries")) {
                    assertThat(rs.next()).isTrue();
                    return new Object[] {rs.getString(1), rs.getLong(2), rs.getInt(3)};
                }
            });
            assertThat(row[0]).isEqualTo("delivering");
            assertThat((long) row[1]).isGreaterThanOrEqualTo(posted + 20_000);
            assertThat(row[2]).isEqualTo(0);
            assertThat(h.api().get("/metrics").text()).contains("herald_deliveries_handed_off_total 1.0");

            answer.countDown();
            Hooks.awaitDelivery(h.api(), "hot-1", Duration.ofSeconds(10), d -> d.get("status").asText().equals("delivered"));
            assertThat(receiver.received()).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCommitThatFailsAfterTheHandOffGivesItsRoomBack(Backend backend) throws Exception {
        try (TestHerald h = TestHerald.start(backend); Receiver receiver = new Receiver()) {
            serviceSubscribedToAll(h.api(), "sink", receiver.url(), null);
            Dispatcher dispatcher = h.herald().dispatcher();
            int room = dispatcher.freeRoom();
            // The store refuses the deliveries, after the hand-off has taken room for them.
            var db = h.herald().database();
            db.inTransaction(c -> c.createStatement().execute(backend == Backend.SQLITE
                    ? "CREATE TRIGGER refuse BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'refused'); END"
                    : "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;"
                            + " CREATE TRIGGER refuse BEFORE INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION refuse()"));
            assertThat(h.api().post("/api/v1/events", Events.courseViewed("refused-1")).status()).isEqualTo(503);
            assertThat(dispatcher.freeRoom()).isEqualTo(room);
            assertThat(receiver.received()).isEmpty();

            db.inTransaction(c -> c.createStatement().execute("DROP TRIGGER refuse" + (backend == Backend.SQLITE ? "" : " ON deliveries")));
            assertThat(h.api().post("/api/v1/events", Events.courseViewed("after-1")).status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.freeRoom() == room);
        }
    }
}

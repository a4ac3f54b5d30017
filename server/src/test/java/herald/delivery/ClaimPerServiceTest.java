package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Claims per service (used while some services are left out) take each service's share and cap only. */
class ClaimPerServiceTest {
    @ParameterizedTest
    @EnumSource(Backend.class)
    void eachServiceGetsItsShareAndNoMoreThanItsCap(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false)); // nothing sent meanwhile
            String fast = Hooks.serviceSubscribedToAll(api, "fast", "http://127.0.0.1:9/a", null);
            String slow = Hooks.serviceSubscribedToAll(api, "slow", "http://127.0.0.1:9/b", null);
            String left = Hooks.serviceSubscribedToAll(api, "left-out", "http://127.0.0.1:9/c", null);
            List<Object> batch = new ArrayList<>();
            for (int i = 0; i < 30; i++) batch.add(Events.courseViewed("claim-" + i));
            assertThat(api.post("/api/v1/events", batch).status()).isEqualTo(202);

            Map<String, Integer> caps = new LinkedHashMap<>();
            caps.put(fast, 100);
            caps.put(slow, 3);
            var claimed = new DeliveryClaims(h.herald().database())
                    .perService(System.currentTimeMillis(), 20, 60_000, caps);

            assertThat(claimed).hasSize(13);
            assertThat(claimed.stream().filter(d -> d.serviceId().equals(fast))).hasSize(10); // half of 20
            assertThat(claimed.stream().filter(d -> d.serviceId().equals(slow))).hasSize(3); // its cap
            assertThat(claimed).noneMatch(d -> d.serviceId().equals(left));
            // Oldest first within a service.
            var fastEvents = claimed.stream().filter(d -> d.serviceId().equals(fast)).map(Delivery::eventId).toList();
            assertThat(fastEvents).containsExactlyInAnyOrder("claim-0", "claim-1", "claim-2", "claim-3", "claim-4", "claim-5",
                    "claim-6", "claim-7", "claim-8", "claim-9");
            assertThat(api.get("/api/v1/deliveries?status=delivering&limit=100").json().get("items")).hasSize(13);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void expiredLeasesOfTheClaimedServicesAreTakenAgain(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            Api api = h.api();
            api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false));
            String mine = Hooks.serviceSubscribedToAll(api, "mine", "http://127.0.0.1:9/a", null);
            String other = Hooks.serviceSubscribedToAll(api, "other", "http://127.0.0.1:9/b", null);
            assertThat(api.post("/api/v1/events", List.of(Events.courseViewed("lease-1"))).status()).isEqualTo(202);
            // Both deliveries were claimed by a node that died: their leases ran out a minute ago.
            h.herald().database().inTransaction(c -> c.createStatement().executeUpdate(
                    "UPDATE deliveries SET status = 'delivering', lease_until = " + (System.currentTimeMillis() - 60_000)));

            var claimed = new DeliveryClaims(h.herald().database())
                    .perService(System.currentTimeMillis(), 10, 60_000, Map.of(mine, 10));

            assertThat(claimed).singleElement().satisfies(d -> assertThat(d.serviceId()).isEqualTo(mine));
            // The claimed one has a fresh lease; the other's keeps its expired one until its service is claimed.
            long now = System.currentTimeMillis();
            Map<String, Long> leases = h.herald().database().read(c -> {
                Map<String, Long> out = new java.util.HashMap<>();
                try (var rs = c.createStatement().executeQuery("SELECT service_id, lease_until FROM deliveries")) {
                    while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
                }
                return out;
            });
            assertThat(leases.get(mine)).isGreaterThan(now);
            assertThat(leases.get(other)).isLessThan(now);
        }
    }
}

package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import herald.outbound.ServiceStates;
import herald.store.Database;
import herald.subscription.Service;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery engine's per-service meters, refreshed by the dispatcher (every 200 ms) while
 * Prometheus scrapes from other threads. A scrape once failed with a 500 ("Duplicate labels for
 * metric herald_circuit_breaker_state") in a benchmark: each refresh removed and registered every
 * breaker row again.
 */
class DeliveryMetricsTest {
    @TempDir
    Path dir;

    @Test
    void scrapesDuringRefreshesSeeEachServiceOnceWithItsState() throws Exception {
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("herald.db"), null, null)) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            DeliveryMetrics metrics = new DeliveryMetrics(registry, new DeliveryStore(db));
            Service svc = service("svc_1", "crm");
            Map<String, Service> services = Map.of("svc_1", svc);
            ServiceStates.State open = new ServiceStates.State("svc_1", false, ServiceStates.OPEN, 2, 0, Long.MAX_VALUE, 1);
            metrics.breakerStates(Map.of("svc_1", open), services);

            AtomicBoolean scraping = new AtomicBoolean(true);
            Thread refresher = Thread.ofPlatform().start(() -> {
                while (scraping.get()) metrics.breakerStates(Map.of("svc_1", open), services);
            });
            try {
                for (int i = 0; i < 3_000; i++) {
                    assertThat(registry.scrape()).as("scrape %d", i).contains("herald_circuit_breaker_state{service=\"crm\"} 2.0");
                }
            } finally {
                scraping.set(false);
                refresher.join();
            }
            metrics.breakerStates(Map.of(), services); // closed again: no state row
            assertThat(registry.scrape()).contains("herald_circuit_breaker_state{service=\"crm\"} 0.0");

            Service renamed = service("svc_1", "hr");
            metrics.breakerStates(Map.of("svc_1", open), Map.of("svc_1", renamed));
            assertThat(registry.scrape()).contains("herald_circuit_breaker_state{service=\"hr\"} 2.0")
                    .doesNotContain("service=\"crm\"");
        }
    }

    @Test
    void aServiceGoneTakesItsLatencySeriesWithIt() throws Exception {
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("herald.db"), null, null)) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            DeliveryMetrics metrics = new DeliveryMetrics(registry, new DeliveryStore(db));
            Service crm = service("svc_1", "crm"), hr = service("svc_2", "hr");
            metrics.attempt("crm", 12);
            metrics.attempt("hr", 30);
            metrics.breakerStates(Map.of(), Map.of("svc_1", crm, "svc_2", hr));
            assertThat(registry.scrape()).contains("herald_delivery_attempt_seconds_count{service=\"crm\"} 1",
                    "herald_delivery_attempt_seconds_count{service=\"hr\"} 1");

            metrics.breakerStates(Map.of(), Map.of("svc_2", hr)); // crm deleted
            assertThat(registry.scrape()).doesNotContain("service=\"crm\"")
                    .contains("herald_delivery_attempt_seconds_count{service=\"hr\"} 1");
            metrics.attempt("hr", 40);
            assertThat(registry.scrape()).contains("herald_delivery_attempt_seconds_count{service=\"hr\"} 2");
        }
    }

    private static Service service(String id, String name) {
        Service plain = Service.plain("http://127.0.0.1:9/", 1_000);
        return new Service(id, name, "", plain.url(), true, plain.method(), plain.contentType(), plain.formStyle(), "", "", Map.of(),
                plain.auth(), plain.signing(), 1_000, plain.retry(), plain.breaker(), null, null, 0, 0, "", plain.tls(), Service.HTTP,
                plain.amqp(), plain.soap());
    }
}

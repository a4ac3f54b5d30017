package herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import herald.testing.Backend;
import herald.testing.TestHerald;
import org.junit.jupiter.api.Test;

/** herald_http_requests names the route a request matched, so each route's traffic can be told apart. */
class RequestMetricsTest {
    @Test
    void requestsAreTimedByTheRouteTheyMatched() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            assertThat(h.api().get("/api/v1/services").status()).isEqualTo(200);
            assertThat(h.api().get("/api/v1/services/svc_missing").status()).isEqualTo(404);
            assertThat(h.api().get("/api/v1/no-such-route").status()).isEqualTo(404);

            String metrics = h.api().get("/metrics").text();
            assertThat(metrics)
                    .containsPattern("herald_http_requests_seconds_count\\{method=\"GET\",route=\"/api/v1/services\",status=\"200\"} 1")
                    .containsPattern("herald_http_requests_seconds_count\\{method=\"GET\",route=\"/api/v1/services/\\{id}\",status=\"404\"} 1")
                    .containsPattern("herald_http_requests_seconds_count\\{method=\"GET\",route=\"unmatched\",status=\"404\"} 1")
                    .doesNotContain("route=\"*\"");
        }
    }
}

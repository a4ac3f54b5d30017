package herald.event;

import static org.assertj.core.api.Assertions.assertThat;

import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventQueriesTest {

    /** Course and user have no index: a request scans a bounded window and says where to go on. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void filtersWithoutAnIndexScanABoundedWindowAndContinueByCursor(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            List<Object> batch = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                batch.add(Events.courseViewed("win-" + i).put("courseid", i == 0 || i == 12 ? "9" : "1"));
            }
            assertThat(h.api().post("/api/v1/events", batch).status()).isEqualTo(202);
            var queries = new EventQueries(h.herald().database(), 10);
            var course9 = new EventQueries.Filter(null, null, "9", null, null, null);

            List<String> found = new ArrayList<>();
            List<Long> stops = new ArrayList<>();
            Long before = null;
            do {
                var page = queries.list(course9, before, 6);
                page.rows().forEach(e -> found.add(e.id()));
                stops.add(page.scannedDownTo());
                before = page.scannedDownTo();
            } while (before != null);

            assertThat(found).containsExactly("win-12", "win-0");
            assertThat(stops).hasSize(3); // 10 events a request: 25 of them take three, the first finds none
            assertThat(queries.list(course9, null, 6).rows()).isEmpty();
            // An indexed filter, or none, is not windowed.
            assertThat(queries.list(new EventQueries.Filter(null, null, null, null, null, null), null, 30).rows()).hasSize(25);
        }
    }

    /** A page holds at most PAGE_BODIES of bodies: 500 events near the 1 MiB limit were 500 MiB in one answer. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aPageOfLargeEventsEndsAtItsBudgetAndGoesOnByCursor(Backend backend) {
        try (TestHerald h = TestHerald.start(backend)) {
            for (int i = 0; i < 5; i++) { // 600,000 characters each: four fit under 2 MiB (0, 0.6, 1.2, 1.8 M before each)
                var e = Events.generic("large-" + i, "test.large");
                ((com.fasterxml.jackson.databind.node.ObjectNode) e.get("data")).put("blob", "x".repeat(600_000));
                assertThat(h.api().post("/api/v1/events", e).status()).isEqualTo(202);
            }
            var first = h.api().get("/api/v1/events?limit=10").json();
            assertThat(first.get("items")).extracting(n -> n.get("id").asText())
                    .containsExactly("large-4", "large-3", "large-2", "large-1");
            String cursor = first.get("next_cursor").asText();
            var second = h.api().get("/api/v1/events?limit=10&cursor=" + cursor).json();
            assertThat(second.get("items")).extracting(n -> n.get("id").asText()).containsExactly("large-0");
            assertThat(second.get("next_cursor").isNull()).isTrue();
        }
    }
}

package herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeenTypesTest {
    private static long seen(TestHerald h) {
        return h.herald().database().read(c -> {
            try (var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM event_types_seen")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static void ingestNewNames(TestHerald h, String prefix, int n) {
        for (int from = 0; from < n; from += 500) {
            List<ObjectNode> batch = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + 500); i++) batch.add(Events.generic(prefix + i, "x.flood." + prefix + i));
            h.api().ingest(batch);
        }
    }

    @Test
    void theCatalogTakesABoundedNumberOfNamesFromIngestAcrossRestarts() {
        // An ingest key that names every event anew grew the catalog, and a set in memory, without end.
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            ingestNewNames(h, "a", EventWriter.MAX_SEEN_TYPES + 200);
            assertThat(seen(h)).isEqualTo(EventWriter.MAX_SEEN_TYPES);
            h.restart();
            ingestNewNames(h, "b", 300);
            assertThat(seen(h)).isEqualTo(EventWriter.MAX_SEEN_TYPES);
            // The events themselves are stored all the same.
            assertThat(h.api().get("/api/v1/events/b299").status()).isEqualTo(200);
            assertThat(h.api().get("/api/v1/event-types/x.flood.a0").status()).isEqualTo(200);
            // A name the catalog has built in is still marked seen: the cap holds names only ingest knows.
            String builtIn = "org.openedx.analytics.tracking.event.emitted.v1";
            assertThat(h.api().get("/api/v1/event-types/" + builtIn).json().get("seen").asBoolean()).isFalse();
            h.api().ingest(List.of(Events.generic("built-in-1", builtIn)));
            assertThat(h.api().get("/api/v1/event-types/" + builtIn).json().get("seen").asBoolean()).isTrue();
        }
    }
}

package herald.usecase;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.catalog.EventCatalog;
import herald.problem.Problem;
import java.util.ArrayList;
import java.util.List;

/** The event catalog: what events exist, to subscribe to them by name. */
public final class CatalogUseCases {
    private final EventCatalog catalog;

    public CatalogUseCases(EventCatalog catalog) {
        this.catalog = catalog;
    }

    /** One event type with its JSON Schema and a sample. */
    public ObjectNode get(String name) {
        return catalog.get(name).orElseThrow(() -> Problem.notFound("event type", name));
    }

    /** Every event type, optionally only those of a {@code platform} or only those {@code seen} (or not) in ingest. */
    public List<ObjectNode> list(String platform, Boolean seen) {
        List<ObjectNode> all = catalog.all();
        // An unknown platform is refused: an empty list would read as "none of its events". The
        // platforms are the catalog's own, and "other": a name seen in ingest that none claims.
        if (platform != null) {
            java.util.Set<String> platforms = new java.util.TreeSet<>(List.of("other"));
            all.forEach(n -> platforms.add(n.path("platform").asText()));
            if (!platforms.contains(platform)) throw Problem.invalid("platform", "must be one of " + String.join(", ", platforms));
        }
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode n : all) {
            if (platform != null && !platform.equals(n.path("platform").asText())) continue;
            if (seen != null && seen != n.path("seen").asBoolean()) continue;
            out.add(n);
        }
        return out;
    }
}

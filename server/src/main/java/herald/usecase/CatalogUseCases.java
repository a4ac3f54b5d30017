package herald.usecase;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.catalog.EventCatalog;
import herald.problem.Problem;
import java.util.ArrayList;
import java.util.List;

/** The event catalog: what events exist, to subscribe to them by name. */
public final class CatalogUseCases {
    /** The catalog's platforms; {@code other} is a name seen in ingest that no platform claims. */
    public static final List<String> PLATFORMS = List.of("herald", "moodle", "openedx", "other", "teachbase");

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
        // An unknown platform is refused: an empty list would read as "none of its events".
        if (platform != null && !PLATFORMS.contains(platform)) {
            throw Problem.invalid("platform", "must be one of " + String.join(", ", PLATFORMS));
        }
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode n : catalog.all()) {
            if (platform != null && !platform.equals(n.path("platform").asText())) continue;
            if (seen != null && seen != n.path("seen").asBoolean()) continue;
            out.add(n);
        }
        return out;
    }
}

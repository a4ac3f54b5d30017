package herald.usecase;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.catalog.EventCatalog;
import java.util.ArrayList;
import java.util.List;

/** The event catalog: what events exist, to subscribe to them by name. */
public final class CatalogUseCases {
    private final EventCatalog catalog;

    public CatalogUseCases(EventCatalog catalog) {
        this.catalog = catalog;
    }

    /** Every event type, optionally only those of a {@code platform} or only those {@code seen} (or not) in ingest. */
    public List<ObjectNode> list(String platform, Boolean seen) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode n : catalog.all()) {
            if (platform != null && !platform.equals(n.path("platform").asText())) continue;
            if (seen != null && seen != n.path("seen").asBoolean()) continue;
            out.add(n);
        }
        return out;
    }
}

package herald.catalog;

import herald.event.Json;
import herald.web.Responses;
import io.javalin.config.RoutesConfig;

/** {@code GET /api/v1/event-types}: the catalog, optionally filtered by {@code platform} or {@code seen}. */
public final class EventTypeRoutes {
    private final EventCatalog catalog;

    public EventTypeRoutes(EventCatalog catalog) {
        this.catalog = catalog;
    }

    public void register(RoutesConfig r) {
        r.get("/api/v1/event-types", ctx -> {
            String platform = ctx.queryParam("platform");
            String seen = ctx.queryParam("seen");
            var o = Json.object();
            var items = o.putArray("items");
            for (var n : catalog.all()) {
                if (platform != null && !platform.equals(n.path("platform").asText())) continue;
                if (seen != null && Boolean.parseBoolean(seen) != n.path("seen").asBoolean()) continue;
                items.add(n);
            }
            o.putNull("next_cursor");
            Responses.json(ctx, 200, o);
        });
    }
}

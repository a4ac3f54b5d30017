package herald.api;

import herald.json.Json;
import herald.usecase.CatalogUseCases;

/** {@code GET /api/v1/event-types}: the catalog, optionally filtered by {@code platform} or {@code seen}. */
final class CatalogRoutes {
    private final CatalogUseCases catalog;

    CatalogRoutes(CatalogUseCases catalog) {
        this.catalog = catalog;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/event-types", Permission.READ, ctx -> {
            String seen = ctx.queryParam("seen");
            var o = Json.object();
            var items = o.putArray("items");
            catalog.list(ctx.queryParam("platform"), seen == null ? null : Boolean.parseBoolean(seen)).forEach(items::add);
            o.putNull("next_cursor");
            Responses.json(ctx, 200, o);
        });
    }
}

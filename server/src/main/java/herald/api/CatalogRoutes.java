package herald.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.problem.Problem;
import herald.usecase.CatalogUseCases;
import java.util.List;

/**
 * {@code GET /api/v1/event-types}: the catalog (optionally only a {@code platform}, or {@code seen}
 * or not in ingest; {@code limit} up to 5000), and {@code GET /api/v1/event-types/{name}} (the name
 * URL-encoded): one type with its JSON Schema and a sample.
 */
final class CatalogRoutes {
    private final CatalogUseCases catalog;

    CatalogRoutes(CatalogUseCases catalog) {
        this.catalog = catalog;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/event-types", Permission.READ, ctx -> {
            Boolean seen = ctx.queryParam("seen") == null ? null : Requests.flag(ctx, "seen"); // absent: seen or not
            var o = Json.object();
            var items = o.putArray("items");
            int limit = limit(ctx);
            Long after = Requests.numberCursor(ctx);
            var all = catalog.list(ctx.queryParam("platform"), seen);
            // the catalog only grows, so a position stays a place to go on from
            int start = after == null ? 0 : (int) Math.max(0, Math.min(after, Integer.MAX_VALUE));
            List<ObjectNode> page = all.subList(Math.min(start, all.size()), Math.min(all.size(), start + limit));
            page.forEach(items::add);
            if (start + limit < all.size()) o.put("next_cursor", Requests.encodeCursor(Integer.toString(start + limit)));
            else o.putNull("next_cursor");
            Responses.json(ctx, 200, o);
        });
        r.get("/api/v1/event-types/{name}", Permission.READ, ctx -> Responses.json(ctx, 200, catalog.get(ctx.pathParam("name"))));
    }

    /** {@code limit}: 1..5000, default all of the catalog (5000). */
    private static int limit(io.javalin.http.Context ctx) {
        String raw = ctx.queryParam("limit");
        if (raw == null) return 5000;
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= 5000) return n;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw Problem.invalid("limit", "must be a whole number from 1 to 5000");
    }
}

package herald.api;

import herald.problem.Problem;
import herald.usecase.CatalogUseCases;

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
            int limit = limit(ctx);
            // the catalog only grows, so a position stays a place to go on from
            Responses.positions(ctx, catalog.list(ctx.queryParam("platform"), seen), limit);
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

package herald.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.access.ApiKeys;
import herald.access.Scope;
import herald.json.Json;
import herald.usecase.KeyUseCases;

/** {@code /api/v1/api-keys}: create (the clear key is shown once), list, revoke. */
final class KeyRoutes {
    private final KeyUseCases keys;

    KeyRoutes(KeyUseCases keys) {
        this.keys = keys;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/api-keys", Permission.READ, ctx -> {
            String after = Requests.cursor(ctx); // newest first, as every list: after this id
            var rows = keys.list().stream().filter(k -> after == null || k.id().compareTo(after) < 0).toList();
            Responses.page(ctx, rows, Requests.limit(ctx, 500), KeyRoutes::view, k -> k.id()); // one page without limit, as before
        });
        r.post("/api/v1/api-keys", Permission.ADMIN, ctx -> {
            ApiKeys.Created created = keys.create(Actors.of(ctx), Requests.jsonBody(ctx, 64 * 1024));
            ObjectNode o = view(created.key());
            o.put("key", created.secret());
            Responses.json(ctx, 201, o);
        });
        r.delete("/api/v1/api-keys/{id}", Permission.ADMIN, ctx -> {
            keys.revoke(Actors.of(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });
    }

    private static ObjectNode view(ApiKeys.ApiKey k) {
        ObjectNode o = Json.object();
        o.put("id", k.id());
        o.put("name", k.name());
        o.put("prefix", k.prefix());
        var scopes = o.putArray("scopes");
        k.scopes().stream().map(Scope::wire).sorted().forEach(scopes::add);
        o.put("created_at", Requests.iso(k.createdAt()));
        return o;
    }
}

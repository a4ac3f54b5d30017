package herald.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Json;
import herald.security.ApiKeys;
import herald.security.Scope;
import herald.web.ApiException;
import herald.web.FieldErrors;
import herald.web.JsonFields;
import herald.web.Requests;
import herald.web.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@code /api/v1/api-keys}: create (the clear key is shown once), list, revoke. */
public final class ApiKeyRoutes {
    private final ApiKeys keys;

    public ApiKeyRoutes(ApiKeys keys) {
        this.keys = keys;
    }

    public void register(RoutesConfig r) {
        r.get("/api/v1/api-keys", ctx -> {
            var o = Json.object();
            var items = o.putArray("items");
            keys.list().forEach(k -> items.add(view(k)));
            o.putNull("next_cursor");
            Responses.json(ctx, 200, o);
        });
        r.post("/api/v1/api-keys", this::create);
        r.delete("/api/v1/api-keys/{id}", ctx -> {
            if (!keys.delete(ctx.pathParam("id"))) throw ApiException.notFound("API key", ctx.pathParam("id"));
            ctx.status(204);
        });
    }

    private void create(Context ctx) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(Requests.jsonBody(ctx, 64 * 1024), "", errors);
        f.rejectUnknown("name", "scopes");
        String name = f.string("name", true, 100, null);
        List<String> scopes = f.strings("scopes", 3, 10);
        Set<Scope> parsed = EnumSet.noneOf(Scope.class);
        if (scopes == null || scopes.isEmpty()) errors.add("scopes", "give one or more of admin, ingest, read");
        else for (int i = 0; i < scopes.size(); i++) {
            try {
                parsed.add(Scope.fromWire(scopes.get(i)));
            } catch (IllegalArgumentException e) {
                errors.add("scopes[" + i + "]", "must be admin, ingest or read");
            }
        }
        errors.throwIfAny();
        ApiKeys.Created created = keys.create(name, parsed);
        ObjectNode o = view(created.key());
        o.put("key", created.secret());
        Responses.json(ctx, 201, o);
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

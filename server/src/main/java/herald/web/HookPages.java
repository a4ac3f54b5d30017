package herald.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.hooks.HookJson;
import herald.json.Json;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.usecase.UseCases;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Inbound hooks: their list and editor. A hook's address, /hooks/{name}, takes requests with its credentials. */
final class HookPages {
    static final List<String> FIELDS = List.of("name", "description", "format", "event_type", "auth", "auth.type", "auth.token",
            "auth.key", "auth.header", "auth.username", "auth.password", "auth.secret", "auth.tolerance_s", "enabled");
    private final UseCases uc;

    HookPages(UseCases uc) {
        this.uc = uc;
    }

    void register(Pages p) {
        p.get("/admin/hooks", Need.VIEWER, ctx -> p.page(ctx, "hooks.jte", "Inbound hooks", "hooks",
                Map.of("hooks", uc.hooks().list(null, 500), "base", base(ctx))));
        p.get("/admin/hooks/new", Need.ADMIN, ctx -> {
            ObjectNode doc = Json.object().put("format", "json").put("enabled", true);
            doc.putObject("auth").put("type", "bearer").put("tolerance_s", 300);
            editor(p, ctx, null, doc, Map.of());
        });
        p.post("/admin/hooks/new", Need.ADMIN, ctx -> save(p, ctx, null));
        p.get("/admin/hooks/{id}", Need.VIEWER, ctx -> editor(p, ctx, ctx.pathParam("id"),
                HookJson.toJson(uc.hooks().get(ctx.pathParam("id")), false), Map.of()));
        p.post("/admin/hooks/{id}", Need.ADMIN, ctx -> save(p, ctx, ctx.pathParam("id")));
        p.post("/admin/hooks/{id}/delete", Need.ADMIN, ctx -> {
            uc.hooks().delete(WebUi.actor(ctx), ctx.pathParam("id"));
            WebUi.redirect(ctx, "/admin/hooks", "Deleted the hook: its address answers 404 now.", false);
        });
    }

    private void save(Pages p, Context ctx, String id) {
        FieldErrors formErrors = new FieldErrors();
        ObjectNode doc = Forms.toJson(ctx.formParamMap(), formErrors);
        // only the fields of the chosen credential kind go to the API
        ObjectNode auth = doc.path("auth").isObject() ? (ObjectNode) doc.get("auth") : doc.putObject("auth");
        String type = auth.path("type").asText("bearer");
        List<String> keep = switch (type) {
            case "bearer" -> List.of("type", "token");
            case "api_key" -> List.of("type", "key", "header");
            case "basic" -> List.of("type", "username", "password");
            default -> List.of("type", "secret", "tolerance_s");
        };
        auth.retain(keep);
        if (doc.path("event_type").asText("").isBlank()) doc.remove("event_type");
        try {
            formErrors.throwIfAny();
            var h = id == null ? uc.hooks().create(WebUi.actor(ctx), doc) : uc.hooks().update(WebUi.actor(ctx), id, doc, false);
            WebUi.redirect(ctx, "/admin/hooks/" + h.id(), id == null ? "Hook added: send requests to /hooks/" + h.name() + "." : "Saved.", false);
        } catch (Problem e) {
            Forms.refused(ctx, e, id);
            editor(p, ctx, id, doc, Forms.placed(e, FIELDS));
        }
    }

    private void editor(Pages p, Context ctx, String id, ObjectNode doc, Map<String, String> errors) {
        var params = new HashMap<String, Object>();
        params.put("id", id);
        params.put("doc", doc);
        params.put("errors", errors);
        params.put("base", base(ctx));
        p.page(ctx, "hook.jte", id == null ? "Add an inbound hook" : "Inbound hook", "hooks", params);
    }

    private static String base(Context ctx) {
        return (WebUi.secure(ctx) ? "https" : "http") + "://" + (ctx.host() == null ? "localhost" : ctx.host());
    }
}

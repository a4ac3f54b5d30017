package herald.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.usecase.UseCases;
import herald.webfilter.WebfilterJson;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Webfilters: the list, the editor with every option of the plugin, each one's call log, and a page to try a filter. */
final class WebfilterPages {
    static final List<String> FIELDS = List.of("description", "filter_type", "url", "service_id", "path", "enabled", "order",
            "use_www_form_encoding", "disable_filtering", "disable_halt", "halt_on_4xx", "halt_on_5xx", "halt_on_request_exception",
            "redirect_on_4xx", "redirect_on_5xx", "redirect_on_request_exception", "timeout_ms");
    private final UseCases uc;

    WebfilterPages(UseCases uc) {
        this.uc = uc;
    }

    void register(Pages p) {
        p.get("/admin/webfilters", Need.VIEWER, ctx -> p.page(ctx, "webfilters.jte", "Webfilters", "webfilters",
                Map.of("webfilters", uc.webfilters().list(null, 500), "types", uc.webfilters().types(), "services", WebUi.serviceNames(uc))));
        p.get("/admin/webfilters/new", Need.ADMIN, ctx -> editor(p, ctx, null, Json.object().put("enabled", true).put("order", 0)
                .put("timeout_ms", WebfilterJson.DEFAULT_TIMEOUT_MS), Map.of()));
        p.post("/admin/webfilters/new", Need.ADMIN, ctx -> save(p, ctx, null));
        // before /{id}: runs a filter as Open edX would, with data typed here
        p.get("/admin/webfilters/try", Need.OPERATOR, ctx -> tryPage(p, ctx, null, null));
        p.post("/admin/webfilters/try", Need.OPERATOR, ctx -> {
            String type = ctx.formParam("filter_type");
            try {
                var data = Json.read(String.valueOf(ctx.formParam("data")));
                var body = Json.object();
                body.set("data", data);
                tryPage(p, ctx, uc.webfilters().run(type, body), null);
            } catch (IllegalArgumentException e) {
                tryPage(p, ctx.status(400), null, "The data is not JSON: " + e.getMessage());
            } catch (Problem e) {
                tryPage(p, ctx.status(400), null, e.getMessage());
            }
        });
        p.get("/admin/webfilters/{id}", Need.VIEWER, ctx -> editor(p, ctx, ctx.pathParam("id"),
                WebfilterJson.toJson(uc.webfilters().get(ctx.pathParam("id")), uc.webfilters().types()), Map.of()));
        p.post("/admin/webfilters/{id}", Need.ADMIN, ctx -> save(p, ctx, ctx.pathParam("id")));
        p.post("/admin/webfilters/{id}/delete", Need.ADMIN, ctx -> {
            uc.webfilters().delete(WebUi.actor(ctx), ctx.pathParam("id"));
            WebUi.redirect(ctx, "/admin/webfilters", "Deleted the webfilter.", false);
        });
    }

    private void tryPage(Pages p, Context ctx, Object result, String error) {
        var params = new HashMap<String, Object>();
        params.put("types", uc.webfilters().types().all());
        params.put("chosen", ctx.formParam("filter_type") == null ? "org.openedx.learning.student.login.requested.v1" : ctx.formParam("filter_type"));
        params.put("data", ctx.formParam("data") == null ? "{\"user\": {\"id\": 4, \"username\": \"andres\", \"email\": \"andres@example.org\"}}"
                : ctx.formParam("data"));
        params.put("result", result);
        params.put("error", error);
        p.page(ctx, "webfilterTry.jte", "Try a filter", "webfilters", params);
    }

    private void save(Pages p, Context ctx, String id) {
        FieldErrors formErrors = new FieldErrors();
        ObjectNode doc = Forms.toJson(ctx.formParamMap(), formErrors);
        try {
            formErrors.throwIfAny();
            var w = id == null ? uc.webfilters().create(WebUi.actor(ctx), doc) : uc.webfilters().update(WebUi.actor(ctx), id, doc, false);
            WebUi.redirect(ctx, "/admin/webfilters/" + w.id(), id == null ? "Webfilter added." : "Saved.", false);
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
        params.put("types", uc.webfilters().types().all());
        params.put("services", WebUi.serviceNames(uc));
        params.put("calls", id == null ? List.of() : uc.webfilters().calls(id, 50));
        p.page(ctx, "webfilter.jte", id == null ? "Add a webfilter" : "Webfilter", "webfilters", params);
    }
}

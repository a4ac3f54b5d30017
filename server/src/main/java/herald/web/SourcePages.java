package herald.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.sources.SourceJson;
import herald.usecase.UseCases;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Sources: Moodle databases Herald reads, with their status, lag and last error; add, edit, enable, test the connection. */
final class SourcePages {
    static final List<String> FIELDS = List.of("name", "jdbc_url", "user", "password", "table_prefix", "site_url", "start",
            "poll_ms", "batch_size", "grace_s", "enrich", "record_tables", "enabled");
    private final UseCases uc;

    SourcePages(UseCases uc) {
        this.uc = uc;
    }

    void register(Pages p) {
        p.get("/admin/sources", Need.VIEWER, ctx -> {
            var rows = uc.sources().list(null, 500).stream()
                    .map(s -> new herald.usecase.DashboardUseCases.SourceRow(s, uc.sources().status(s))).toList();
            p.page(ctx, "sources.jte", "Sources", "sources", Map.of("rows", rows));
        });
        p.get("/admin/sources/new", Need.ADMIN, ctx -> {
            var doc = Json.object().put("type", "moodle").put("table_prefix", "mdl_").put("start", "now").put("poll_ms", 1000)
                    .put("batch_size", 1000).put("grace_s", 300).put("enrich", true).put("enabled", true);
            doc.putArray("record_tables").add("*");
            editor(p, ctx, null, doc, Map.of());
        });
        p.post("/admin/sources/new", Need.ADMIN, ctx -> save(p, ctx, null));
        // before /{id}: "test connection", the form as it is, tried without saving
        p.post("/admin/sources/test", Need.ADMIN, ctx -> test(p, ctx, null));
        p.get("/admin/sources/{id}", Need.VIEWER, ctx -> editor(p, ctx, ctx.pathParam("id"),
                SourceJson.toJson(uc.sources().get(ctx.pathParam("id")), false), Map.of()));
        p.post("/admin/sources/{id}", Need.ADMIN, ctx -> save(p, ctx, ctx.pathParam("id")));
        p.post("/admin/sources/{id}/enable", Need.ADMIN, ctx -> {
            uc.sources().setEnabled(WebUi.actor(ctx), ctx.pathParam("id"), true);
            WebUi.redirect(ctx, "/admin/sources/" + ctx.pathParam("id"), "Enabled: Herald reads its log from where it stopped.", false);
        });
        p.post("/admin/sources/{id}/disable", Need.ADMIN, ctx -> {
            uc.sources().setEnabled(WebUi.actor(ctx), ctx.pathParam("id"), false);
            WebUi.redirect(ctx, "/admin/sources/" + ctx.pathParam("id"), "Disabled: its position is kept.", false);
        });
        p.get("/admin/sources/{id}/delete", Need.ADMIN, ctx -> p.page(ctx, "confirm.jte", "Delete source", "sources", Map.of(
                "question", "Delete the source " + uc.sources().get(ctx.pathParam("id")).name() + "?",
                "consequence", "Herald stops reading this Moodle database and forgets its position. The events it stored stay.",
                "action", "/admin/sources/" + ctx.pathParam("id") + "/delete", "button", "Delete source",
                "cancel", "/admin/sources/" + ctx.pathParam("id"))));
        p.post("/admin/sources/{id}/delete", Need.ADMIN, ctx -> {
            uc.sources().delete(WebUi.actor(ctx), ctx.pathParam("id"));
            WebUi.redirect(ctx, "/admin/sources", "Deleted the source.", false);
        });
        p.post("/admin/sources/{id}/test", Need.ADMIN, ctx -> test(p, ctx, ctx.pathParam("id")));
    }

    private void test(Pages p, Context ctx, String id) {
        FieldErrors formErrors = new FieldErrors();
        ObjectNode doc = Forms.toJson(ctx.formParamMap(), formErrors);
        Map<String, Object> params = new HashMap<>();
        try {
            formErrors.throwIfAny();
            var t = uc.sources().testConnection(id, doc);
            params.put("ok", t.ok());
            params.put("message", t.message() + " (" + t.durationMs() + " ms)");
        } catch (Problem e) {
            params.put("ok", false);
            params.put("message", String.join("; ", Forms.placed(e, List.of()).values()));
        }
        p.render(ctx, "sourceTest.jte", params);
    }

    private void save(Pages p, Context ctx, String id) {
        FieldErrors formErrors = new FieldErrors();
        ObjectNode doc = Forms.toJson(ctx.formParamMap(), formErrors);
        try {
            formErrors.throwIfAny();
            var s = id == null ? uc.sources().create(WebUi.actor(ctx), doc) : uc.sources().update(WebUi.actor(ctx), id, doc, false);
            WebUi.redirect(ctx, "/admin/sources/" + s.id(), id == null ? "Source added: Herald starts reading it now." : "Saved.", false);
        } catch (Problem e) {
            if (e.kind() == Problem.Kind.NOT_FOUND && id != null) throw e;
            ctx.status(e.kind() == Problem.Kind.CONFLICT ? 409 : 400);
            editor(p, ctx, id, doc, Forms.placed(e, FIELDS));
        }
    }

    private void editor(Pages p, Context ctx, String id, ObjectNode doc, Map<String, String> errors) {
        var params = new HashMap<String, Object>();
        params.put("id", id);
        params.put("doc", doc);
        params.put("errors", errors);
        params.put("status", id == null ? null : uc.sources().status(uc.sources().get(id)));
        params.put("enabled", id == null || uc.sources().get(id).enabled());
        p.page(ctx, "source.jte", id == null ? "Add a source" : Fmt.at(doc, "name"), "sources", params);
    }
}

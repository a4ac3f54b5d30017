package herald.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.openedx.EventBusSourceJson;
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
            var buses = uc.openedxSources().list(null, 500).stream()
                    .map(b -> new BusRow(b, uc.openedxSources().status(b))).toList();
            p.page(ctx, "sources.jte", "Sources", "sources", Map.of("rows", rows, "buses", buses));
        });
        p.get("/admin/sources/new", Need.ADMIN, ctx -> {
            var doc = Json.object().put("type", "moodle").put("table_prefix", "mdl_").put("start", "now").put("poll_ms", 1000)
                    .put("batch_size", 1000).put("grace_s", 300).put("enrich", true).put("enabled", true);
            doc.putArray("record_tables").add("*");
            editor(p, ctx, null, doc, Map.of());
        });
        p.post("/admin/sources/new", Need.ADMIN, ctx -> save(p, ctx, null));
        p.get("/admin/sources/new-openedx", Need.ADMIN, ctx -> {
            var doc = Json.object().put("type", "openedx").put("redis_url", "redis://redis:6379/0").put("topic_prefix", "dev")
                    .put("start", "now").put("batch_size", 100).put("trim_length", 10_000).put("claim_idle_s", 60).put("enabled", true);
            doc.putArray("topics").add("learning-course-enrollment-lifecycle");
            busEditor(p, ctx, null, doc, Map.of());
        });
        p.post("/admin/sources/new-openedx", Need.ADMIN, ctx -> saveBus(p, ctx, null));
        // before /{id}: "test connection", the form as it is, tried without saving
        p.post("/admin/sources/test", Need.ADMIN, ctx -> test(p, ctx, null));
        p.get("/admin/sources/{id}", Need.VIEWER, ctx -> {
            var bus = uc.openedxSources().find(ctx.pathParam("id"));
            if (bus.isPresent()) busEditor(p, ctx, bus.get().id(), EventBusSourceJson.toJson(bus.get(), false), Map.of());
            else editor(p, ctx, ctx.pathParam("id"), SourceJson.toJson(uc.sources().get(ctx.pathParam("id")), false), Map.of());
        });
        p.post("/admin/sources/{id}", Need.ADMIN, ctx -> {
            if (uc.openedxSources().find(ctx.pathParam("id")).isPresent()) saveBus(p, ctx, ctx.pathParam("id"));
            else save(p, ctx, ctx.pathParam("id"));
        });
        p.post("/admin/sources/{id}/enable", Need.ADMIN, ctx -> {
            if (uc.openedxSources().find(ctx.pathParam("id")).isPresent()) uc.openedxSources().setEnabled(WebUi.actor(ctx), ctx.pathParam("id"), true);
            else uc.sources().setEnabled(WebUi.actor(ctx), ctx.pathParam("id"), true);
            WebUi.redirect(ctx, "/admin/sources/" + ctx.pathParam("id"), "Enabled: Herald reads its log from where it stopped.", false);
        });
        p.post("/admin/sources/{id}/disable", Need.ADMIN, ctx -> {
            if (uc.openedxSources().find(ctx.pathParam("id")).isPresent()) uc.openedxSources().setEnabled(WebUi.actor(ctx), ctx.pathParam("id"), false);
            else uc.sources().setEnabled(WebUi.actor(ctx), ctx.pathParam("id"), false);
            WebUi.redirect(ctx, "/admin/sources/" + ctx.pathParam("id"), "Disabled: its position is kept.", false);
        });
        p.get("/admin/sources/{id}/delete", Need.ADMIN, ctx -> p.page(ctx, "confirm.jte", "Delete source", "sources", Map.of(
                "question", "Delete the source " + name(ctx.pathParam("id")) + "?",
                "consequence", "Herald stops reading this Moodle database and forgets its position. The events it stored stay.",
                "action", "/admin/sources/" + ctx.pathParam("id") + "/delete", "button", "Delete source",
                "cancel", "/admin/sources/" + ctx.pathParam("id"))));
        p.post("/admin/sources/{id}/delete", Need.ADMIN, ctx -> {
            if (uc.openedxSources().find(ctx.pathParam("id")).isPresent()) uc.openedxSources().delete(WebUi.actor(ctx), ctx.pathParam("id"));
            else uc.sources().delete(WebUi.actor(ctx), ctx.pathParam("id"));
            WebUi.redirect(ctx, "/admin/sources", "Deleted the source.", false);
        });
        p.post("/admin/sources/{id}/test", Need.ADMIN, ctx -> test(p, ctx, ctx.pathParam("id")));
    }

    private String name(String id) {
        var bus = uc.openedxSources().find(id);
        return bus.isPresent() ? bus.get().name() : uc.sources().get(id).name();
    }

    private void saveBus(Pages p, Context ctx, String id) {
        FieldErrors formErrors = new FieldErrors();
        ObjectNode doc = Forms.toJson(ctx.formParamMap(), formErrors);
        doc.put("type", "openedx");
        try {
            formErrors.throwIfAny();
            var s = id == null ? uc.openedxSources().create(WebUi.actor(ctx), doc) : uc.openedxSources().update(WebUi.actor(ctx), id, doc, false);
            WebUi.redirect(ctx, "/admin/sources/" + s.id(), id == null ? "Source added: Herald reads the bus now." : "Saved.", false);
        } catch (Problem e) {
            Forms.refused(ctx, e, id);
            busEditor(p, ctx, id, doc, Forms.placed(e, List.of("name", "redis_url", "topic_prefix", "topics", "start", "batch_size",
                    "trim_length", "claim_idle_s", "enabled")));
        }
    }

    private void busEditor(Pages p, Context ctx, String id, ObjectNode doc, Map<String, String> errors) {
        var params = new HashMap<String, Object>();
        params.put("id", id);
        params.put("doc", doc);
        params.put("errors", errors);
        var bus = id == null ? null : uc.openedxSources().get(id);
        params.put("status", bus == null ? null : uc.openedxSources().status(bus));
        params.put("enabled", bus == null || bus.enabled());
        params.put("failures", id == null ? List.of() : uc.openedxSources().failures(id, 20));
        p.page(ctx, "openedxSource.jte", id == null ? "Add an Open edX event bus" : Fmt.at(doc, "name"), "sources", params);
    }

    private void test(Pages p, Context ctx, String id) {
        FieldErrors formErrors = new FieldErrors();
        ObjectNode doc = Forms.toJson(ctx.formParamMap(), formErrors);
        Map<String, Object> params = new HashMap<>();
        try {
            formErrors.throwIfAny();
            boolean bus = EventBusSourceJson.isOpenEdx(doc) || id != null && uc.openedxSources().find(id).isPresent();
            if (bus) doc.put("type", "openedx");
            var t = bus ? uc.openedxSources().testConnection(id, doc) : uc.sources().testConnection(id, doc);
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
            Forms.refused(ctx, e, id);
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

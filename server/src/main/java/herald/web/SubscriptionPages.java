package herald.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.subscription.SubscriptionJson;
import herald.usecase.UseCases;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Subscriptions: the list (and "which subscriptions get event X"), the editor with the event
 * picker over the whole catalog, the filter builder, and the template editor whose preview of the
 * exact request follows each keystroke.
 */
final class SubscriptionPages {
    static final List<String> FIELDS = List.of("service_id", "events", "filter", "path", "method", "format", "template",
            "content_type", "form_style", "format_options", "enabled", "retry", "dedupe_window_s", "privacy.drop", "privacy.pseudonymize",
            "ordering_key");
    private static final int MAX_FILTER_ROWS = 20;

    /** Subscriptions a page of the list shows; the next page goes on from the last (newest first). */
    static final int PAGE = 200;
    private final UseCases uc;

    SubscriptionPages(UseCases uc) {
        this.uc = uc;
    }

    void register(Pages p) {
        p.get("/admin/subscriptions", Need.VIEWER, ctx -> {
            String event = blankToNull(ctx.queryParam("event"));
            String serviceId = blankToNull(ctx.queryParam("service_id"));
            String after = Query.text(ctx, "after");
            var rows = event != null ? uc.subscriptions().receiving(event, serviceId, after, PAGE + 1)
                    : uc.subscriptions().list(serviceId, after, PAGE + 1);
            String next = rows.size() > PAGE ? "/admin/subscriptions?" + Query.without(ctx, "after") + "&after=" + rows.get(PAGE - 1).id() : null;
            var names = WebUi.serviceNames(uc);
            var params = new HashMap<String, Object>(Map.of("subscriptions", rows.subList(0, Math.min(PAGE, rows.size())),
                    "serviceNames", names, "event", event == null ? "" : event, "serviceId", serviceId == null ? "" : serviceId));
            params.put("next", next);
            p.page(ctx, "subscriptions.jte", "Subscriptions", "subscriptions", params);
        });
        p.get("/admin/subscriptions/new", Need.ADMIN, ctx -> {
            ObjectNode doc = Json.object().put("service_id", ctx.queryParamAsClass("service_id", String.class).getOrDefault("")).put("format", "event")
                    .put("enabled", true).put("dedupe_window_s", 0);
            doc.putArray("events");
            editor(p, ctx, null, doc, Map.of());
        });
        p.post("/admin/subscriptions/new", Need.ADMIN, ctx -> save(p, ctx, null));
        // before /{id}: the editor's live preview, the form as it is now against a sample or a stored event
        p.post("/admin/subscriptions/preview", Need.VIEWER, ctx -> preview(p, ctx));
        p.get("/admin/subscriptions/{id}", Need.VIEWER, ctx -> editor(p, ctx, ctx.pathParam("id"),
                SubscriptionJson.toJson(uc.subscriptions().get(ctx.pathParam("id"))), Map.of()));
        p.post("/admin/subscriptions/{id}", Need.ADMIN, ctx -> save(p, ctx, ctx.pathParam("id")));
        p.get("/admin/subscriptions/{id}/delete", Need.ADMIN, ctx -> {
            var s = uc.subscriptions().get(ctx.pathParam("id"));
            p.page(ctx, "confirm.jte", "Delete subscription", "subscriptions", Map.of(
                    "question", "Delete the subscription to " + String.join(", ", s.events()) + "?",
                    "consequence", "Its service gets none of these events any more; its waiting deliveries become dead letters.",
                    "action", "/admin/subscriptions/" + s.id() + "/delete", "button", "Delete subscription",
                    "cancel", "/admin/subscriptions/" + s.id()));
        });
        p.post("/admin/subscriptions/{id}/delete", Need.ADMIN, ctx -> {
            var s = uc.subscriptions().get(ctx.pathParam("id"));
            uc.subscriptions().delete(WebUi.actor(ctx), s.id());
            WebUi.redirect(ctx, "/admin/services/" + s.serviceId(), "Deleted the subscription.", false);
        });
    }

    private void preview(Pages p, Context ctx) {
        FieldErrors formErrors = new FieldErrors();
        ObjectNode spec = document(ctx, formErrors);
        var params = new HashMap<String, Object>();
        try {
            formErrors.throwIfAny();
            if (!spec.has("events") || spec.get("events").isEmpty()) spec.putArray("events").add("*");
            ObjectNode body = Json.object();
            body.set("subscription", spec);
            String eventId = blankToNull(ctx.formParam("_preview_event_id"));
            if (eventId != null) body.put("event_id", eventId);
            else body.put("event_type", firstEvent(ctx, spec));
            var preview = uc.subscriptions().preview(body);
            params.put("preview", preview);
            params.put("error", null);
        } catch (Problem e) {
            params.put("preview", null);
            params.put("error", String.join("; ", Forms.placed(byName(e, spec), List.of()).values()));
        }
        p.render(ctx, "preview.jte", params);
    }

    /** The sample to preview: the chosen type, else the first exact name the subscription lists. */
    private static String firstEvent(Context ctx, ObjectNode spec) {
        String chosen = blankToNull(ctx.formParam("_preview_event_type"));
        if (chosen != null) return chosen;
        for (var e : spec.path("events")) {
            if (!e.asText().contains("*")) return e.asText();
        }
        return "\\core\\event\\user_created";
    }

    private void save(Pages p, Context ctx, String id) {
        FieldErrors formErrors = new FieldErrors();
        ObjectNode doc = document(ctx, formErrors);
        try {
            formErrors.throwIfAny();
            var s = id == null ? uc.subscriptions().create(WebUi.actor(ctx), doc) : uc.subscriptions().update(WebUi.actor(ctx), id, doc, false);
            WebUi.redirect(ctx, "/admin/subscriptions/" + s.id(), id == null ? "Subscription added." : "Saved.", false);
        } catch (Problem e) {
            Forms.refused(ctx, e, id);
            editor(p, ctx, id, doc, Forms.placed(byName(e, doc), FIELDS));
        }
    }

    /**
     * The API names an event by its place in {@code events}, but the editor's list joins the ticked
     * names and the pattern lines, so "events[2]" means nothing there: the error names the text.
     */
    private static final java.util.regex.Pattern EVENT_AT = java.util.regex.Pattern.compile("(?:subscription\\.)?events\\[(\\d+)]");

    private static Problem byName(Problem e, ObjectNode doc) {
        List<herald.problem.FieldError> named = new java.util.ArrayList<>();
        for (var fe : e.errors()) {
            var m = EVENT_AT.matcher(fe.field());
            named.add(m.matches() && doc.path("events").has(Integer.parseInt(m.group(1)))
                    ? new herald.problem.FieldError("events", "'" + doc.path("events").get(Integer.parseInt(m.group(1))).asText() + "' "
                            + fe.message())
                    : fe);
        }
        return new Problem(e.kind(), e.getMessage(), named);
    }

    /** The subscription document of the editor: its plain fields, the picked events and patterns, the filter rows, the retry choice. */
    static ObjectNode document(Context ctx, FieldErrors errors) {
        ObjectNode doc = Forms.toJson(ctx.formParamMap(), errors);
        Set<String> events = new LinkedHashSet<>(ctx.formParams("_event"));
        for (String line : String.valueOf(ctx.formParam("_patterns")).split("[\r\n,]+")) {
            if (!line.isBlank() && !line.equals("null")) events.add(line.strip());
        }
        ArrayNode arr = doc.putArray("events");
        events.forEach(arr::add);
        doc.set("filter", filter(ctx, errors));
        String retry = ctx.formParam("_retry");
        if (retry == null || retry.isEmpty()) doc.putNull("retry");
        else doc.putObject("retry").put("preset", retry);
        return doc;
    }

    /** Rows of path, operator and value as the API's filter: all of them, or any of them. */
    private static ObjectNode filter(Context ctx, FieldErrors errors) {
        List<String> paths = ctx.formParams("_filter_path"), ops = ctx.formParams("_filter_op"), values = ctx.formParams("_filter_value");
        ObjectNode f = Json.object();
        ArrayNode conditions = f.putArray("any".equals(ctx.formParam("_filter_mode")) ? "any" : "all");
        for (int i = 0; i < Math.min(MAX_FILTER_ROWS, paths.size()); i++) {
            String path = paths.get(i).strip();
            if (path.isEmpty()) continue;
            String op = i < ops.size() ? ops.get(i) : "equals";
            String value = i < values.size() ? values.get(i).strip() : "";
            ObjectNode c = conditions.addObject().put("path", path);
            switch (op) {
                case "exists" -> c.put("exists", true);
                case "missing" -> c.put("exists", false);
                case "in" -> {
                    ArrayNode in = c.putArray("in");
                    for (String v : value.split(",")) if (!v.isBlank()) in.add(v.strip());
                }
                default -> c.put("equals", value);
            }
        }
        if (paths.size() > MAX_FILTER_ROWS) errors.add("filter", "at most " + MAX_FILTER_ROWS + " conditions");
        return f;
    }

    private void editor(Pages p, Context ctx, String id, ObjectNode doc, Map<String, String> errors) {
        var catalog = uc.catalog().list(null, null);
        Map<String, List<ObjectNode>> groups = new TreeMap<>();
        for (ObjectNode t : catalog) {
            groups.computeIfAbsent(t.path("platform").asText() + " · " + t.path("component").asText(), k -> new ArrayList<>()).add(t);
        }
        Set<String> chosen = new LinkedHashSet<>();
        doc.path("events").forEach(e -> chosen.add(e.asText()));
        Set<String> known = new java.util.HashSet<>();
        catalog.forEach(t -> known.add(t.path("name").asText()));
        List<String> patterns = chosen.stream().filter(e -> !known.contains(e)).toList();
        var params = new HashMap<String, Object>();
        params.put("id", id);
        params.put("doc", doc);
        params.put("errors", errors);
        params.put("groups", groups);
        params.put("chosen", chosen);
        params.put("patterns", String.join("\n", patterns));
        params.put("services", WebUi.serviceNames(uc)); // all of them: a subscription's own service must be among the choices
        params.put("formats", uc.subscriptions().formatNames());
        p.page(ctx, "subscription.jte", id == null ? "Add a subscription" : "Subscription", "subscriptions", params);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}

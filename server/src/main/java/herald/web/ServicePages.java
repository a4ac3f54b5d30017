package herald.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.subscription.ServiceJson;
import herald.usecase.DashboardUseCases;
import herald.usecase.ServiceUseCases;
import herald.usecase.UseCases;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Services: the list, the editor (every field of the API, the API's errors beside their fields),
 * the one-time view of a signing secret, pause/resume, breaker reset, rotation, deletion with
 * confirmation, and "send test event".
 */
final class ServicePages {
    /** The editor's fields, as JSON paths (errors on deeper paths show on the nearest of these). */
    static final List<String> FIELDS = List.of("name", "description", "url", "enabled", "method", "content_type", "form_style",
            "token", "extra", "headers", "auth", "auth.type", "auth.token", "auth.header", "auth.key", "auth.username",
            "auth.password", "signing", "signing.enabled", "signing.mode", "timeout_ms", "retry", "circuit_breaker.threshold",
            "circuit_breaker.window_s", "circuit_breaker.cooldown_s", "rate_limit_per_s", "max_concurrency", "site_url",
            "tls.ca_pem", "tls.client_cert_pem", "tls.client_key_pem", "tls.client_key_password", "type", "exchange", "routing_key",
            "reply_queue", "reply_event_type", "soap_version", "soap_action", "soap_envelope");

    /** Services a page of the list shows; the next page goes on from the last (newest first). */
    static final int PAGE = 200;
    private final UseCases uc;
    private final ServiceUseCases services;

    ServicePages(UseCases uc) {
        this.uc = uc;
        this.services = uc.services();
    }

    void register(Pages p) {
        p.get("/admin/services", Need.VIEWER, ctx -> {
            var figures = new HashMap<String, herald.delivery.DeliveryStats.ServiceFigures>();
            uc.dashboard().get(DashboardUseCases.Range.HOUR).services().forEach(r -> figures.put(r.service().id(), r.figures()));
            var rows = services.list(Query.text(ctx, "after"), PAGE + 1);
            String next = rows.size() > PAGE ? "/admin/services?after=" + rows.get(PAGE - 1).service().id() : null;
            var params = new HashMap<String, Object>(Map.of("services", rows.subList(0, Math.min(PAGE, rows.size())), "figures", figures));
            params.put("next", next);
            p.page(ctx, "services.jte", "Services", "services", params);
        });
        p.get("/admin/services/new", Need.ADMIN, ctx -> editor(p, ctx, null, defaults(), Map.of()));
        p.post("/admin/services/new", Need.ADMIN, ctx -> save(p, ctx, null));
        p.get("/admin/services/{id}", Need.VIEWER, ctx -> {
            var s = services.get(id(ctx));
            editor(p, ctx, s, ServiceJson.toJson(s.service(), false, false), Map.of());
        });
        p.post("/admin/services/{id}", Need.ADMIN, ctx -> save(p, ctx, id(ctx)));
        p.post("/admin/services/{id}/enable", Need.ADMIN, ctx -> done(ctx, services.setEnabled(WebUi.actor(ctx), id(ctx), true), "enabled"));
        p.post("/admin/services/{id}/disable", Need.ADMIN, ctx -> done(ctx, services.setEnabled(WebUi.actor(ctx), id(ctx), false), "disabled"));
        p.post("/admin/services/{id}/pause", Need.OPERATOR, ctx -> {
            services.setPaused(WebUi.actor(ctx), id(ctx), true);
            WebUi.redirect(ctx, back(ctx), "Paused: its deliveries wait until you resume it.", false);
        });
        p.post("/admin/services/{id}/resume", Need.OPERATOR, ctx -> {
            services.setPaused(WebUi.actor(ctx), id(ctx), false);
            WebUi.redirect(ctx, back(ctx), "Resumed: its waiting deliveries go now.", false);
        });
        p.post("/admin/services/{id}/breaker-reset", Need.OPERATOR, ctx -> {
            services.resetBreaker(WebUi.actor(ctx), id(ctx));
            WebUi.redirect(ctx, back(ctx), "The circuit breaker is closed again.", false);
        });
        p.post("/admin/services/{id}/rotate", Need.ADMIN, ctx -> {
            var body = Json.object();
            String overlap = ctx.formParam("overlap_s");
            if (overlap != null && !overlap.isBlank()) {
                try {
                    body.put("overlap_s", Integer.parseInt(overlap.strip()));
                } catch (NumberFormatException e) {
                    throw Problem.invalid("overlap_s", "must be a whole number of seconds");
                }
            }
            var s = services.rotateSigning(WebUi.actor(ctx), id(ctx), body);
            p.page(ctx, "secretOnce.jte", "New signing secret", "services", Map.of("title", "New signing secret for " + s.service().name(),
                    "secret", s.service().signing().secret(), "explain", "Give it to the receiver now: it is not shown again."
                            + " The previous secret keeps signing beside it during the overlap, so the receiver can switch without losing a request.",
                    "next", "/admin/services/" + s.service().id()));
        });
        p.get("/admin/services/{id}/delete", Need.ADMIN, ctx -> p.page(ctx, "confirm.jte", "Delete service", "services", Map.of(
                "question", "Delete the service " + services.get(id(ctx)).service().name() + "?",
                "consequence", "Its subscriptions are deleted too, and its waiting deliveries become dead letters. This cannot be undone;"
                        + " a backup made with its secrets restores it.", "action", "/admin/services/" + id(ctx) + "/delete", "button", "Delete service",
                "cancel", "/admin/services/" + id(ctx))));
        p.post("/admin/services/{id}/delete", Need.ADMIN, ctx -> {
            var name = services.get(id(ctx)).service().name();
            services.delete(WebUi.actor(ctx), id(ctx));
            WebUi.redirect(ctx, "/admin/services", "Deleted the service " + name + ".", false);
        });
        p.get("/admin/services/{id}/test", Need.OPERATOR, ctx -> testForm(p, ctx, null, null));
        p.post("/admin/services/{id}/test", Need.OPERATOR, ctx -> {
            var body = Json.object().put("event_type", ctx.formParam("event_type"));
            String sub = ctx.formParam("subscription_id");
            if (sub != null && !sub.isBlank()) body.put("subscription_id", sub);
            try {
                testForm(p, ctx, uc.testSend().send(id(ctx), body), null);
            } catch (Problem e) {
                testForm(p, ctx.status(400), null, e.getMessage());
            }
        });
    }

    private void testForm(Pages p, Context ctx, Object exchange, String error) {
        var s = services.get(id(ctx));
        var params = new HashMap<String, Object>();
        params.put("s", s);
        params.put("subscriptions", uc.subscriptions().list(s.service().id(), null, 500));
        params.put("eventTypes", uc.catalog().list(null, null));
        params.put("chosen", ctx.formParam("event_type") == null ? "\\core\\event\\user_created" : ctx.formParam("event_type"));
        params.put("shape", ctx.formParam("subscription_id") == null ? "" : ctx.formParam("subscription_id"));
        params.put("exchange", exchange);
        params.put("error", error);
        p.page(ctx, "testSend.jte", "Send a test event", "services", params);
    }

    private void save(Pages p, Context ctx, String id) {
        FieldErrors formErrors = new FieldErrors();
        ObjectNode doc = Forms.toJson(ctx.formParamMap(), formErrors);
        retry(ctx, doc, formErrors);
        ServiceUseCases.ServiceStatus existing = id == null ? null : services.get(id);
        try {
            formErrors.throwIfAny();
            if (id == null) {
                var created = services.create(WebUi.actor(ctx), doc);
                var s = created.service();
                p.page(ctx, "secretOnce.jte", "Service added", "services", Map.of("title", "Added the service " + s.name(),
                        "secret", s.signing().secret(), "explain", "This is its signing secret (Standard Webhooks). Give it to the receiver"
                                + " so it can verify that requests come from Herald: it is not shown again (you can rotate it later).",
                        "next", "/admin/services/" + s.id()));
            } else {
                services.update(WebUi.actor(ctx), id, doc, false);
                WebUi.redirect(ctx, "/admin/services/" + id, "Saved.", false);
            }
        } catch (Problem e) {
            Forms.refused(ctx, e, id);
            editor(p, ctx, existing, doc, Forms.placed(e, FIELDS));
        }
    }

    /** The retry policy from the editor's choice: a preset, a schedule, or exponential back-off. */
    private static void retry(Context ctx, ObjectNode doc, FieldErrors errors) {
        String kind = ctx.formParam("_retry_kind");
        ObjectNode r = Json.object();
        if (kind == null || kind.startsWith("preset:")) {
            r.put("preset", kind == null ? "default" : kind.substring(7));
        } else if (kind.equals("schedule")) {
            // What cannot be read stays as typed (text), so the editor shows the choice and the text again.
            var arr = r.putArray("schedule_s");
            boolean unread = false;
            for (String part : String.valueOf(ctx.formParam("_retry_schedule")).split("[,\\s]+")) {
                if (part.isBlank()) continue;
                try {
                    arr.add(Integer.parseInt(part));
                } catch (NumberFormatException e) {
                    arr.add(part);
                    unread = true;
                }
            }
            if (unread) errors.add("retry", "the schedule is a list of whole seconds, such as 0, 5, 300");
        } else {
            var e = r.putObject("exponential");
            for (String f : List.of("base_s", "factor", "cap_s", "max_attempts")) {
                String v = ctx.formParam("_retry_" + f);
                if (v == null || v.isBlank()) continue;
                try {
                    e.put(f, new java.math.BigDecimal(v.strip()));
                } catch (NumberFormatException ex) {
                    e.put(f, v);
                    errors.add("retry", f + " must be a number");
                }
            }
        }
        doc.set("retry", r);
    }

    private void editor(Pages p, Context ctx, ServiceUseCases.ServiceStatus s, ObjectNode doc, Map<String, String> errors) {
        var params = new HashMap<String, Object>();
        params.put("s", s);
        params.put("doc", doc);
        params.put("errors", errors);
        params.put("subscriptions", s == null ? List.of() : uc.subscriptions().list(s.service().id(), null, 500));
        p.page(ctx, "service.jte", s == null ? "Add a service" : s.service().name(), "services", params);
    }

    private static ObjectNode defaults() {
        var d = Json.object().put("type", "http").put("routing_key", "{{name}}").put("soap_version", "1.1").put("enabled", true).put("method", "POST").put("content_type", "json").put("form_style", "underscore")
                .put("timeout_ms", 10_000);
        d.putObject("auth").put("type", "none");
        d.putObject("signing").put("enabled", true).put("mode", "standard");
        d.putObject("retry").put("preset", "default");
        d.putObject("circuit_breaker").put("threshold", 5).put("window_s", 60).put("cooldown_s", 300);
        return d;
    }

    private static void done(Context ctx, ServiceUseCases.ServiceStatus s, String what) {
        WebUi.redirect(ctx, back(ctx), "The service " + s.service().name() + " is " + what + ".", false);
    }

    /** Where a list or a service page asked from: back there. */
    private static String back(Context ctx) {
        String from = ctx.formParam("_back");
        return from != null && from.startsWith("/admin/") && !from.startsWith("//") ? from : "/admin/services/" + id(ctx);
    }

    private static String id(Context ctx) {
        return ctx.pathParam("id");
    }
}

package herald.web;

import herald.delivery.DeliveryFilter;
import herald.json.Json;
import herald.text.Words;
import herald.usecase.UseCases;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;

/**
 * The queue (pending, retrying, in flight, paused) and the dead letters: each delivery with its
 * attempts and the request its next attempt would send; retry now, delete; replay many by filter,
 * with the count of what will be replayed shown before it is confirmed.
 */
final class DeliveryPages {
    private static final int PAGE = 50;
    private final UseCases uc;

    DeliveryPages(UseCases uc) {
        this.uc = uc;
    }

    void register(Pages p) {
        p.get("/admin/queue", Need.VIEWER, ctx -> {
            String status = Query.text(ctx, "status");
            if (status == null || !java.util.Set.of("pending", "retrying", "delivering", "paused", "delivered").contains(status)) {
                status = "retrying";
            }
            list(p, ctx, "queue.jte", "Queue", "queue", status);
        });
        p.get("/admin/dead", Need.VIEWER, ctx -> list(p, ctx, "dead.jte", "Dead letters", "dead", "dead"));
        p.post("/admin/dead/replay", Need.OPERATOR, ctx -> {
            var body = replayBody(ctx);
            if (!"true".equals(ctx.formParam("_confirmed"))) {
                int n = uc.deliveries().countReplay(body);
                p.page(ctx, "replayConfirm.jte", "Replay dead letters", "dead", Map.of("count", n, "form", ctx.formParamMap()));
                return;
            }
            int n = uc.deliveries().replay(WebUi.actor(ctx), body);
            WebUi.redirect(ctx, "/admin/dead", "Replayed " + Words.count(n, "dead letter") + ": they are due now, each with the webhook-id it had.", false);
        });
        p.get("/admin/deliveries/{id}", Need.VIEWER, ctx -> {
            var d = uc.deliveries().get(ctx.pathParam("id"));
            p.page(ctx, "delivery.jte", "Delivery " + d.delivery().id(), d.delivery().status().equals("dead") ? "dead" : "queue",
                    Map.of("d", d, "serviceName", Fmt.serviceName(WebUi.serviceNames(uc), d.delivery().serviceId())));
        });
        p.post("/admin/deliveries/{id}/retry", Need.OPERATOR, ctx -> {
            uc.deliveries().retry(WebUi.actor(ctx), ctx.pathParam("id"));
            WebUi.redirect(ctx, "/admin/deliveries/" + ctx.pathParam("id"), "Due now: it is sent at once, with the same webhook-id.", false);
        });
        p.post("/admin/deliveries/{id}/delete", Need.OPERATOR, ctx -> {
            uc.deliveries().delete(WebUi.actor(ctx), ctx.pathParam("id"));
            WebUi.redirect(ctx, "/admin/dead", "Deleted the delivery and its attempts.", false);
        });
    }

    private void list(Pages p, Context ctx, String template, String title, String section, String status) {
        var filter = new DeliveryFilter(status, Query.text(ctx, "service_id"), null, null, Query.text(ctx, "event_type"),
                Query.text(ctx, "course_id"), Query.text(ctx, "user_id"), Query.time(ctx, "since"), Query.time(ctx, "until"),
                Query.text(ctx, "error"));
        var rows = uc.deliveries().list(filter, Query.text(ctx, "before"), PAGE + 1);
        var names = WebUi.serviceNames(uc);
        var params = new HashMap<String, Object>();
        var shown = rows.subList(0, Math.min(PAGE, rows.size()));
        params.put("rows", shown);
        params.put("events", uc.events().summaries(shown.stream().map(herald.delivery.Delivery::eventId).toList()));
        params.put("status", status);
        params.put("serviceNames", names);
        params.put("q", ctx.queryParamMap());
        params.put("next", rows.size() > PAGE ? "/admin/" + section + "?" + Query.without(ctx, "before") + "&before=" + rows.get(PAGE - 1).id() : null);
        p.page(ctx, template, title, section, params);
    }

    /** The dead-letter filter of the replay form, as the API's replay body. */
    private static com.fasterxml.jackson.databind.node.ObjectNode replayBody(Context ctx) {
        var body = Json.object().put("status", "dead");
        for (String f : java.util.List.of("service_id", "event_type", "course_id", "user_id", "error")) {
            String v = ctx.formParam(f);
            if (v != null && !v.isBlank()) body.put(f, v.strip());
        }
        for (String f : java.util.List.of("since", "until")) {
            String v = ctx.formParam(f);
            if (v != null && !v.isBlank()) {
                try {
                    body.put(f, java.time.LocalDateTime.parse(v.strip()).toInstant(java.time.ZoneOffset.UTC).toString());
                } catch (java.time.format.DateTimeParseException e) {
                    body.put(f, v.strip()); // the use case names the field in its answer
                }
            }
        }
        return body;
    }
}

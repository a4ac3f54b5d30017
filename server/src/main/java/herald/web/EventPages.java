package herald.web;

import herald.event.EventQueries;
import herald.usecase.UseCases;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/** Events: search by name, user, course, source and time; an event's page with its payload, deliveries and attempts. */
final class EventPages {
    private static final int PAGE = 50;
    private final UseCases uc;

    EventPages(UseCases uc) {
        this.uc = uc;
    }

    void register(Pages p) {
        p.get("/admin/events", Need.VIEWER, ctx -> {
            // A Moodle source's events name it by id; the page shows its name and takes either.
            var sourceNames = WebUi.sourceNames(uc);
            String source = Query.text(ctx, "source");
            for (var s : sourceNames.entrySet()) if (s.getValue().equals(source)) source = s.getKey();
            var filter = new EventQueries.Filter(Query.text(ctx, "type"), source, Query.text(ctx, "course"),
                    Query.text(ctx, "user"), Query.time(ctx, "since"), Query.time(ctx, "until"));
            var page = uc.events().list(filter, Query.seq(ctx, "before"), PAGE + 1);
            var rows = page.rows();
            Long next = rows.size() > PAGE ? Long.valueOf(rows.get(PAGE - 1).seq()) : page.scannedDownTo();
            var params = new HashMap<String, Object>();
            params.put("rows", rows.subList(0, Math.min(PAGE, rows.size())));
            params.put("q", ctx.queryParamMap());
            params.put("sourceNames", sourceNames);
            params.put("next", next == null ? null : "/admin/events?" + Query.without(ctx, "before") + "&before=" + next);
            p.page(ctx, "events.jte", "Events", "events", params);
        });
        p.get("/admin/events/{id}", Need.VIEWER, ctx -> {
            var e = uc.events().get(ctx.pathParam("id"));
            var details = new ArrayList<herald.usecase.DeliveryUseCases.DeliveryDetail>();
            for (var d : uc.deliveries().forEvent(e.id())) details.add(uc.deliveries().get(d.id()));
            var names = WebUi.serviceNames(uc);
            // Taken by none: say which subscriptions select its name, and why each passed it over.
            var passedOver = new java.util.LinkedHashMap<herald.subscription.Subscription, String>();
            if (details.isEmpty()) {
                var doc = herald.json.Json.read(e.body());
                for (var s : uc.subscriptions().receiving(e.type(), null, null, 50)) {
                    passedOver.put(s, s.createdAt() > e.receivedAt() ? "it was added after the event arrived"
                            : !s.filter().matches(doc) ? "its filter left the event out"
                            : s.dedupeWindowS() > 0 ? "its format (" + s.format() + ") has nothing to send for it, or an alike event came"
                                    + " within its dedupe window"
                            : "its format (" + s.format() + ") has nothing to send for this event");
                }
            }
            p.page(ctx, "event.jte", "Event " + e.type(), "events", Map.of("e", e, "deliveries", details, "serviceNames", names,
                    "passedOver", passedOver));
        });
    }
}

package herald.admin;

import herald.event.Ids;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.subscription.Subscription;
import herald.subscription.SubscriptionJson;
import herald.web.ApiException;
import herald.web.Requests;
import herald.web.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code /api/v1/subscriptions}: CRUD; a subscription must point at an existing service. */
public final class SubscriptionRoutes {
    private final Database db;
    private final ConfigStore store;
    private final long maxBody;

    public SubscriptionRoutes(Database db, ConfigStore store, long maxBody) {
        this.db = db;
        this.store = store;
        this.maxBody = maxBody;
    }

    public void register(RoutesConfig r) {
        r.get("/api/v1/subscriptions", this::list);
        r.post("/api/v1/subscriptions", this::create);
        r.get("/api/v1/subscriptions/{id}", ctx -> Responses.json(ctx, 200, SubscriptionJson.toJson(find(ctx))));
        r.put("/api/v1/subscriptions/{id}", ctx -> update(ctx, false));
        r.patch("/api/v1/subscriptions/{id}", ctx -> update(ctx, true));
        r.delete("/api/v1/subscriptions/{id}", this::delete);
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        String after = Requests.cursor(ctx);
        String service = ctx.queryParam("service_id");
        var rows = db.read(c -> store.subscriptions(c, service, after, limit + 1));
        Responses.page(ctx, rows, limit, SubscriptionJson::toJson, Subscription::id);
    }

    private void create(Context ctx) {
        Subscription parsed = SubscriptionJson.parse(Requests.jsonBody(ctx, maxBody), null);
        long now = System.currentTimeMillis();
        Subscription s = parsed.withId(Ids.newId("sub"), now, now);
        db.inTransaction(c -> {
            if (store.service(c, s.serviceId()).isEmpty()) throw unknownService(s.serviceId());
            store.insertSubscription(c, s);
            return null;
        });
        Responses.json(ctx.header("Location", "/api/v1/subscriptions/" + s.id()), 201, SubscriptionJson.toJson(s));
    }

    private void update(Context ctx, boolean merge) {
        Subscription current = find(ctx);
        var body = Requests.jsonBody(ctx, maxBody);
        if (merge) body = Requests.merged(body, SubscriptionJson.toJson(current));
        Subscription s = SubscriptionJson.parse(body, current)
                .withId(current.id(), current.createdAt(), System.currentTimeMillis());
        db.inTransaction(c -> {
            if (store.service(c, s.serviceId()).isEmpty()) throw unknownService(s.serviceId());
            return store.updateSubscription(c, s);
        });
        Responses.json(ctx, 200, SubscriptionJson.toJson(s));
    }

    private void delete(Context ctx) {
        String id = ctx.pathParam("id");
        if (!db.inTransaction(c -> store.deleteSubscription(c, id))) throw ApiException.notFound("subscription", id);
        ctx.status(204);
    }

    private Subscription find(Context ctx) {
        String id = ctx.pathParam("id");
        return db.read(c -> store.subscription(c, id)).orElseThrow(() -> ApiException.notFound("subscription", id));
    }

    private static ApiException unknownService(String id) {
        return new ApiException(422, "Unprocessable Content", "service_id: no service '" + id + "'",
                java.util.List.of(new herald.web.FieldError("service_id", "no service with this id")));
    }
}

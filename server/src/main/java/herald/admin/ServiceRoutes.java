package herald.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.delivery.OutboundGuard;
import herald.event.Ids;
import herald.event.Json;
import herald.store.Database;
import herald.store.StoreException;
import herald.subscription.ConfigStore;
import herald.subscription.Service;
import herald.subscription.ServiceJson;
import herald.web.ApiException;
import herald.web.Requests;
import herald.web.Responses;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/** {@code /api/v1/services}: CRUD, enable/disable, signing secret rotation. */
public final class ServiceRoutes {
    /** Adds what the delivery engine knows now (paused, breaker state) to service views, by service id. */
    public interface LiveState {
        void describe(Map<String, ObjectNode> viewsById);
    }

    private final Database db;
    private final ConfigStore store;
    private final long maxBody;
    private final OutboundGuard guard;
    private final LiveState live;

    public ServiceRoutes(Database db, ConfigStore store, long maxBody, OutboundGuard guard, LiveState live) {
        this.db = db;
        this.store = store;
        this.maxBody = maxBody;
        this.guard = guard;
        this.live = live;
    }

    public void register(RoutesConfig r) {
        r.get("/api/v1/services", this::list);
        r.post("/api/v1/services", this::create);
        r.get("/api/v1/services/{id}", ctx -> Responses.json(ctx, 200, view(find(ctx), false)));
        r.put("/api/v1/services/{id}", ctx -> update(ctx, false));
        r.patch("/api/v1/services/{id}", ctx -> update(ctx, true));
        r.delete("/api/v1/services/{id}", this::delete);
        r.post("/api/v1/services/{id}/enable", ctx -> setEnabled(ctx, true));
        r.post("/api/v1/services/{id}/disable", ctx -> setEnabled(ctx, false));
        r.post("/api/v1/services/{id}/signing/rotate", this::rotate);
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        String after = Requests.cursor(ctx);
        var rows = db.read(c -> store.services(c, after, limit + 1));
        Map<String, ObjectNode> views = new java.util.LinkedHashMap<>();
        for (Service s : rows) views.put(s.id(), view(s, false, false));
        live.describe(views);
        Responses.page(ctx, rows, limit, s -> views.get(s.id()), Service::id);
    }

    private void create(Context ctx) {
        Service parsed = ServiceJson.parse(Requests.jsonBody(ctx, maxBody), null);
        long now = System.currentTimeMillis();
        Service s = parsed.withId(Ids.newId("svc"), now, now);
        save(() -> db.inTransaction(c -> {
            store.insertService(c, s);
            return null;
        }));
        Responses.json(ctx.header("Location", "/api/v1/services/" + s.id()), 201, view(s, true));
    }

    private void update(Context ctx, boolean merge) {
        Service current = find(ctx);
        var body = Requests.jsonBody(ctx, maxBody);
        if (merge) body = Requests.merged(body, ServiceJson.toJson(current, false, false));
        Service parsed = ServiceJson.parse(body, current);
        Service s = parsed.withId(current.id(), current.createdAt(), System.currentTimeMillis());
        save(() -> db.inTransaction(c -> store.updateService(c, s)));
        Responses.json(ctx, 200, view(s, false));
    }

    private void delete(Context ctx) {
        String id = ctx.pathParam("id");
        if (!db.inTransaction(c -> store.deleteService(c, id))) throw ApiException.notFound("service", id);
        ctx.status(204);
    }

    private void setEnabled(Context ctx, boolean on) {
        Service s = find(ctx).withEnabled(on, System.currentTimeMillis());
        db.inTransaction(c -> store.updateService(c, s));
        Responses.json(ctx, 200, view(s, false));
    }

    /** A new signing secret, shown in clear only in this answer; the old one keeps signing during the overlap. */
    private void rotate(Context ctx) {
        Service current = find(ctx);
        boolean noBody = ctx.contentLength() <= 0 && ctx.header("Transfer-Encoding") == null;
        JsonNode body = noBody ? Json.object() : Requests.jsonBody(ctx, maxBody);
        long now = System.currentTimeMillis();
        Service s = current.withSigning(ServiceJson.rotation(body, current.signing(), now), now);
        db.inTransaction(c -> store.updateService(c, s));
        Responses.json(ctx, 200, view(s, true));
    }

    /**
     * The API view of a service, with a warning when its URL names a literal address (or localhost)
     * that the outbound guard refuses: saving is allowed (the allow list may change), every delivery
     * attempt will fail with {@code refused_address} until it does.
     */
    private ObjectNode view(Service s, boolean revealSigningSecret) {
        ObjectNode o = view(s, revealSigningSecret, true);
        return o;
    }

    /** The service as the API shows it: warnings about its URL, and its live state (breaker, pause) when {@code withLive}. */
    private ObjectNode view(Service s, boolean revealSigningSecret, boolean withLive) {
        ObjectNode o = ServiceJson.toJson(s, false, revealSigningSecret);
        String refusal = guard.urlRefusal(s.url());
        if (refusal != null) o.putArray("warnings").addObject().put("field", "url").put("message", refusal);
        if (withLive) live.describe(Map.of(s.id(), o));
        return o;
    }

    private Service find(Context ctx) {
        String id = ctx.pathParam("id");
        return db.read(c -> store.service(c, id)).orElseThrow(() -> ApiException.notFound("service", id));
    }

    /** A duplicate name is the client's mistake (409), not a server error. */
    static void save(Runnable write) {
        try {
            write.run();
        } catch (StoreException e) {
            if (e.isUniqueViolation()) throw ApiException.conflict("name", "a service with this name already exists");
            throw e;
        }
    }
}

package herald.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.amqp.ReplyQueues;
import herald.json.Json;
import herald.outbound.ServiceStates;
import herald.subscription.ServiceJson;
import herald.usecase.ServiceUseCases;
import herald.usecase.ServiceUseCases.ServiceStatus;
import herald.usecase.TestSendUseCases;
import herald.usecase.GatewayUseCases;
import io.javalin.http.Context;

/** {@code /api/v1/services}: CRUD, enable/disable, signing secret rotation, pause/resume. */
final class ServiceRoutes {
    private final ServiceUseCases services;
    private final TestSendUseCases testSend;
    private final GatewayUseCases gateway;
    private final long maxBody;

    ServiceRoutes(ServiceUseCases services, TestSendUseCases testSend, GatewayUseCases gateway, long maxBody) {
        this.gateway = gateway;
        this.services = services;
        this.testSend = testSend;
        this.maxBody = maxBody;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/services", Permission.READ, this::list);
        r.post("/api/v1/services", Permission.ADMIN, ctx -> {
            ServiceStatus s = services.create(Actors.of(ctx), Requests.jsonBody(ctx, maxBody));
            Responses.json(ctx.header("Location", "/api/v1/services/" + s.service().id()), 201, view(s, true));
        });
        r.get("/api/v1/services/{id}", Permission.READ, ctx -> Responses.json(ctx, 200, view(services.get(id(ctx)), false)));
        r.put("/api/v1/services/{id}", Permission.ADMIN, ctx -> update(ctx, false));
        r.patch("/api/v1/services/{id}", Permission.ADMIN, ctx -> update(ctx, true));
        r.delete("/api/v1/services/{id}", Permission.ADMIN, ctx -> {
            services.delete(Actors.of(ctx), id(ctx));
            ctx.status(204);
        });
        r.post("/api/v1/services/{id}/enable", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, view(services.setEnabled(Actors.of(ctx), id(ctx), true), false)));
        r.post("/api/v1/services/{id}/disable", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, view(services.setEnabled(Actors.of(ctx), id(ctx), false), false)));
        // A new signing secret, shown in clear only in this answer; the old one keeps signing during the overlap.
        r.post("/api/v1/services/{id}/signing/rotate", Permission.ADMIN, ctx -> {
            boolean noBody = ctx.contentLength() <= 0 && ctx.header("Transfer-Encoding") == null;
            JsonNode body = noBody ? Json.object() : Requests.jsonBody(ctx, maxBody);
            Responses.json(ctx, 200, view(services.rotateSigning(Actors.of(ctx), id(ctx), body), true));
        });
        r.post("/api/v1/services/{id}/pause", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, stateView(services.setPaused(Actors.of(ctx), id(ctx), true))));
        r.post("/api/v1/services/{id}/resume", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, stateView(services.setPaused(Actors.of(ctx), id(ctx), false))));
        r.post("/api/v1/services/{id}/breaker/reset", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, stateView(services.resetBreaker(Actors.of(ctx), id(ctx)))));
        // A catalog sample sent now, shown whole with the answer; nothing is stored.
        // The gateway: LMS code calls an external API by the service's name (sync, or queued with its retries).
        r.post("/api/v1/services/{name}/requests", Permission.GATEWAY, ctx -> {
            var answer = gateway.call(ctx.pathParam("name"), Requests.jsonBody(ctx, maxBody));
            var x = answer.result();
            if (answer.async()) {
                Responses.json(ctx.header("Location", "/api/v1/deliveries/" + x.id()), 202, Json.object().put("id", x.id()).put("status", "pending"));
                return;
            }
            ObjectNode o = Json.object().put("id", x.id()).put("success", x.success());
            if (x.status() == null) o.putNull("status"); else o.put("status", x.status());
            o.put("body", x.body()).put("error", x.error()).put("latency_ms", x.latencyMs()).put("attempts", x.attempts());
            Responses.json(ctx, 200, o);
        });
        r.post("/api/v1/services/{id}/test", Permission.ADMIN,
                ctx -> Responses.json(ctx, 200, exchangeView(testSend.send(id(ctx), Requests.jsonBody(ctx, maxBody)))));
    }

    static ObjectNode exchangeView(TestSendUseCases.Exchange x) {
        ObjectNode o = Json.object();
        ObjectNode req = o.putObject("request");
        req.put("method", x.method());
        req.put("url", x.url());
        x.requestHeaders().forEach(req.putObject("headers")::put);
        req.put("body", x.requestBody());
        ObjectNode res = o.putObject("response");
        if (x.status() == null) res.putNull("status"); else res.put("status", x.status());
        res.set("headers", x.responseHeaders() == null ? null : Json.read(x.responseHeaders()));
        res.put("body", x.responseBody());
        res.put("error_kind", x.errorKind());
        res.put("error", x.error());
        o.put("duration_ms", x.durationMs());
        x.warnings().forEach(o.putArray("warnings")::add);
        return o;
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        var rows = services.list(Requests.cursor(ctx), limit + 1);
        Responses.page(ctx, rows, limit, s -> view(s, false), s -> s.service().id());
    }

    private void update(Context ctx, boolean merge) {
        ServiceStatus s = services.update(Actors.of(ctx), id(ctx), Requests.jsonBody(ctx, maxBody), merge);
        Responses.json(ctx, 200, view(s, false));
    }

    private static String id(Context ctx) {
        return ctx.pathParam("id");
    }

    /**
     * The service as the API shows it: its settings (secrets masked; the signing secret in clear
     * only where {@code revealSigningSecret}), warnings about them, and its live state (pause, breaker).
     */
    static ObjectNode view(ServiceStatus s, boolean revealSigningSecret) {
        ObjectNode o = ServiceJson.toJson(s.service(), false, revealSigningSecret);
        if (!s.warnings().isEmpty()) {
            ArrayNode warnings = o.putArray("warnings");
            s.warnings().forEach(w -> warnings.addObject().put("field", w.field()).put("message", w.message()));
        }
        o.put("paused", s.state().paused());
        ((ObjectNode) o.get("circuit_breaker")).setAll(breakerView(s.state()));
        if (s.replies() != null) o.set("reply_queue_status", replyView(s.replies()));
        return o;
    }

    /** A reply queue's consumer on this node. */
    static ObjectNode replyView(ReplyQueues.Status r) {
        ObjectNode o = Json.object().put("state", r.state()).put("queue", r.queue()).put("consumed", r.consumed())
                .put("rejected", r.rejected());
        if (r.lastError() != null) o.put("last_error", r.lastError()).put("last_error_at", Requests.iso(r.lastErrorAt()));
        return o;
    }

    /** The live delivery state of a service, as pause and resume answer it. */
    static ObjectNode stateView(ServiceStates.State st) {
        ObjectNode o = Json.object();
        o.put("service_id", st.serviceId());
        o.put("paused", st.paused());
        o.set("circuit_breaker", breakerView(st));
        return o;
    }

    static ObjectNode breakerView(ServiceStates.State st) {
        ObjectNode b = Json.object();
        b.put("state", st.breaker());
        b.put("failures", st.failures());
        b.put("times_opened", st.timesOpened());
        if (st.breaker().equals(ServiceStates.CLOSED)) b.putNull("open_until");
        else b.put("open_until", Requests.iso(st.openUntil()));
        return b;
    }
}

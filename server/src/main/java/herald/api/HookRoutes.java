package herald.api;

import herald.hooks.Hook;
import herald.hooks.HookJson;
import herald.hooks.HookRequests;
import herald.json.Json;
import herald.problem.Problem;
import herald.usecase.HookUseCases;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /api/v1/hooks}: inbound webhooks' configuration. {@code POST /hooks/{name}}: a caller with the
 * hook's credentials sends a request, stored as an event (2xx only once it is on disk). Other methods
 * are 405. No API key here: the hook's own credentials are the key.
 */
final class HookRoutes {
    private final HookUseCases hooks;
    private final long maxBody;

    HookRoutes(HookUseCases hooks, long maxBody) {
        this.hooks = hooks;
        this.maxBody = maxBody;
    }

    void register(ApiRoutes r, io.javalin.config.RoutesConfig routes) {
        r.get("/api/v1/hooks", Permission.READ, ctx -> {
            int limit = Requests.limit(ctx);
            Responses.page(ctx, hooks.list(Requests.cursor(ctx), limit + 1), limit, h -> HookJson.toJson(h, false), Hook::id);
        });
        r.post("/api/v1/hooks", Permission.ADMIN, ctx -> {
            Hook h = hooks.create(Actors.of(ctx), Requests.jsonBody(ctx, maxBody));
            Responses.json(ctx.header("Location", "/api/v1/hooks/" + h.id()), 201, HookJson.toJson(h, false));
        });
        r.get("/api/v1/hooks/{id}", Permission.READ, ctx -> Responses.json(ctx, 200, HookJson.toJson(hooks.get(ctx.pathParam("id")), false)));
        r.put("/api/v1/hooks/{id}", Permission.ADMIN, ctx -> Responses.json(ctx, 200,
                HookJson.toJson(hooks.update(Actors.of(ctx), ctx.pathParam("id"), Requests.jsonBody(ctx, maxBody), false), false)));
        r.patch("/api/v1/hooks/{id}", Permission.ADMIN, ctx -> Responses.json(ctx, 200,
                HookJson.toJson(hooks.update(Actors.of(ctx), ctx.pathParam("id"), Requests.jsonBody(ctx, maxBody), true), false)));
        r.delete("/api/v1/hooks/{id}", Permission.ADMIN, ctx -> {
            hooks.delete(Actors.of(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });
        routes.post("/hooks/{name}", this::receive);
        routes.before("/hooks/*", ctx -> {
            if (ctx.method() == io.javalin.http.HandlerType.POST || ctx.method() == io.javalin.http.HandlerType.OPTIONS) return;
            ctx.header("Allow", "POST");
            throw new Problem(Problem.Kind.METHOD_NOT_ALLOWED, ctx.method().name() + " is not allowed on a hook: send POST");
        });
    }

    private void receive(Context ctx) {
        Requests.checkDeclaredLength(ctx.header("Content-Length"), maxBody);
        byte[] body = ctx.bodyAsBytes();
        if (body.length > maxBody) throw Problem.tooLarge("body", "must be at most " + maxBody + " bytes", "the body is too large");
        // Whole, strict UTF-8 (a hook's body is read as text; a malformed byte would become U+FFFD unseen).
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw Problem.invalid("body", "is not valid UTF-8");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        ctx.headerMap().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        var received = hooks.receive(ctx.pathParam("name"), new HookRequests.Incoming(headers, ctx.queryParamMap(), body, Requests.charge(ctx)));
        Responses.json(ctx, received.duplicate() ? 200 : 202, Json.object().put("id", received.eventId()).put("type", received.type())
                .put("duplicate", received.duplicate()));
    }
}

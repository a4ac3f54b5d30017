package herald.web;

import herald.usecase.InspectorUseCases;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request inspector: bins an administrator makes, and {@code /inspect/{bin}}, which takes any
 * request (no key: a bin's random id is its key) and keeps it whole for the bin's page, which
 * refreshes itself. Point a service at a bin to see exactly what Herald sends.
 */
final class InspectorPages {
    private final InspectorUseCases inspector;
    private final long maxBody;

    InspectorPages(InspectorUseCases inspector, long maxBody) {
        this.inspector = inspector;
        this.maxBody = Math.min(maxBody, herald.inspector.Inspector.MAX_BODY_BYTES); // a bin keeps 100 of them, and its page shows them all
    }

    void register(Pages p, RoutesConfig r) {
        p.get("/admin/inspector", Need.OPERATOR, ctx -> p.page(ctx, "inspector.jte", "Request inspector", "inspector",
                Map.of("bins", inspector.bins(), "base", base(ctx))));
        p.post("/admin/inspector", Need.OPERATOR, ctx -> {
            var bin = inspector.create(WebUi.actor(ctx), ctx.formParam("name"));
            WebUi.redirect(ctx, "/admin/inspector/" + bin.id(), "Bin made: point a service at its address.", false);
        });
        p.get("/admin/inspector/{bin}", Need.OPERATOR, ctx -> p.page(ctx, "bin.jte", "Bin", "inspector", Map.of(
                "bin", inspector.bin(ctx.pathParam("bin")), "requests", inspector.requests(ctx.pathParam("bin"), 100), "base", base(ctx))));
        p.get("/admin/inspector/{bin}/requests", Need.OPERATOR, ctx -> p.render(ctx, "binRequests.jte",
                Map.of("requests", inspector.requests(ctx.pathParam("bin"), 100))));
        p.post("/admin/inspector/{bin}/delete", Need.OPERATOR, ctx -> {
            inspector.delete(WebUi.actor(ctx), ctx.pathParam("bin"));
            WebUi.redirect(ctx, "/admin/inspector", "Bin removed with what it received.", false);
        });
        Handler capture = this::capture;
        for (String path : List.of("/inspect/{bin}", "/inspect/{bin}/<rest>")) {
            r.get(path, capture, Need.NOBODY);
            r.post(path, capture, Need.NOBODY);
            r.put(path, capture, Need.NOBODY);
            r.patch(path, capture, Need.NOBODY);
            r.delete(path, capture, Need.NOBODY);
        }
    }

    private void capture(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length > maxBody) {
            ctx.status(413).json(Map.of("ok", false, "error", "the body is over " + maxBody + " bytes"));
            return;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        var names = ctx.req().getHeaderNames();
        int count = 0;
        while (names.hasMoreElements() && count++ < 100) {
            String name = names.nextElement();
            headers.put(name, java.util.Collections.list(ctx.req().getHeaders(name)));
        }
        boolean kept = inspector.capture(ctx.pathParam("bin"), ctx.method().name(), ctx.path(), ctx.queryString(), headers, body, ctx.ip());
        ctx.status(kept ? 200 : 404).contentType("application/json").result(kept ? "{\"ok\":true}" : "{\"ok\":false,\"error\":\"no such bin\"}");
    }

    /** This Herald's address as the browser reached it, for the bin's URL. */
    private static String base(Context ctx) {
        String proto = WebUi.secure(ctx) ? "https" : "http";
        String host = ctx.host();
        return proto + "://" + (host == null ? "localhost" : host);
    }
}

package herald.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/** Registers pages, each with the role it needs, and renders them in their frame. */
final class Pages {
    private final RoutesConfig routes;
    final WebUi ui;

    Pages(RoutesConfig routes, WebUi ui) {
        this.routes = routes;
        this.ui = ui;
    }

    void get(String path, Need need, Handler h) {
        routes.get(path, h, need);
    }

    void post(String path, Need need, Handler h) {
        routes.post(path, h, need);
    }

    /** Renders {@code template}; {@code params} gets {@code v}, the frame, titled {@code title} in {@code section}. */
    void page(Context ctx, String template, String title, String section, Map<String, Object> params) {
        var all = new java.util.HashMap<String, Object>(params);
        all.putIfAbsent("v", ui.view(ctx, title, section));
        ui.render(ctx, template, all);
    }

    void render(Context ctx, String template, Map<String, Object> params) {
        ui.render(ctx, template, params);
    }

    View view(Context ctx, String title, String section) {
        return ui.view(ctx, title, section);
    }
}

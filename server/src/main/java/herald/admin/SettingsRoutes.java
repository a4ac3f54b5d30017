package herald.admin;

import herald.delivery.Dispatcher;
import herald.delivery.Settings;
import herald.event.Json;
import herald.web.FieldErrors;
import herald.web.JsonFields;
import herald.web.Requests;
import herald.web.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code /api/v1/settings}: the global delivery switch. */
public final class SettingsRoutes {
    private final Settings settings;
    private final Dispatcher dispatcher;

    public SettingsRoutes(Settings settings, Dispatcher dispatcher) {
        this.settings = settings;
        this.dispatcher = dispatcher;
    }

    public void register(RoutesConfig r) {
        r.get("/api/v1/settings", this::show);
        r.put("/api/v1/settings", this::update);
    }

    private void show(Context ctx) {
        Responses.json(ctx, 200, Json.object().put("deliveries_enabled", settings.deliveriesEnabled()));
    }

    private void update(Context ctx) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(Requests.jsonBody(ctx, 64 * 1024), "", errors);
        f.rejectUnknown("deliveries_enabled");
        if (!f.has("deliveries_enabled")) errors.add("deliveries_enabled", "is required");
        boolean on = f.bool("deliveries_enabled", true);
        errors.throwIfAny();
        settings.setDeliveriesEnabled(on);
        if (on) dispatcher.wake();
        show(ctx);
    }
}

package herald.api;

import herald.json.Json;
import herald.usecase.SettingsUseCases;

/** {@code /api/v1/settings}: the global delivery switch. */
final class SettingsRoutes {
    private final SettingsUseCases settings;

    SettingsRoutes(SettingsUseCases settings) {
        this.settings = settings;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/settings", Permission.READ,
                ctx -> Responses.json(ctx, 200, Json.object().put("deliveries_enabled", settings.deliveriesEnabled())));
        r.put("/api/v1/settings", Permission.ADMIN, ctx -> Responses.json(ctx, 200,
                Json.object().put("deliveries_enabled", settings.update(Actors.of(ctx), Requests.jsonBody(ctx, 64 * 1024)))));
    }
}

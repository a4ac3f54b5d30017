package herald.backup;

import herald.event.Json;
import herald.web.ApiException;
import herald.web.Auth;
import herald.web.Requests;
import herald.web.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code GET /api/v1/backup} and {@code POST /api/v1/restore?mode=replace|merge}. The passphrase
 * travels in the {@code X-Backup-Passphrase} header so that it stays out of URLs and access logs.
 */
public final class BackupRoutes {
    private final BackupService backup;
    private final long maxBody;

    public BackupRoutes(BackupService backup, long maxBody) {
        this.backup = backup;
        this.maxBody = maxBody;
    }

    public void register(RoutesConfig r) {
        r.get("/api/v1/backup", this::export);
        r.post("/api/v1/restore", this::restore);
    }

    private void export(Context ctx) {
        boolean secrets = "true".equals(ctx.queryParam("include_secrets"));
        if (secrets && !Auth.isAdmin(ctx)) throw new ApiException(403, "Forbidden", "only admin keys may export secrets");
        Responses.json(ctx, 200, backup.export(secrets, ctx.header("X-Backup-Passphrase")));
    }

    private void restore(Context ctx) {
        String m = ctx.queryParam("mode");
        BackupService.Mode mode;
        if ("replace".equals(m)) mode = BackupService.Mode.REPLACE;
        else if ("merge".equals(m) || m == null) mode = BackupService.Mode.MERGE;
        else throw ApiException.invalid("mode", "must be replace or merge");
        var s = backup.restore(Requests.jsonBody(ctx, maxBody), mode, ctx.header("X-Backup-Passphrase"));
        Responses.json(ctx, 200, Json.object().put("mode", mode.name().toLowerCase()).put("services", s.services())
                .put("subscriptions", s.subscriptions()).put("services_removed", s.servicesRemoved())
                .put("subscriptions_removed", s.subscriptionsRemoved()).put("sources", s.sources())
                .put("sources_removed", s.sourcesRemoved()));
    }
}

package herald.api;

import herald.json.Json;
import herald.problem.Problem;
import herald.usecase.BackupUseCases;
import io.javalin.http.Context;

/**
 * {@code GET /api/v1/backup} and {@code POST /api/v1/restore?mode=replace|merge}. The passphrase
 * travels in the {@code X-Backup-Passphrase} header so that it stays out of URLs and access logs.
 */
final class BackupRoutes {
    private final BackupUseCases backup;
    private final long maxBody;

    BackupRoutes(BackupUseCases backup, long maxBody) {
        this.backup = backup;
        this.maxBody = maxBody;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/backup", Permission.READ, this::export);
        r.post("/api/v1/restore", Permission.ADMIN, this::restore);
    }

    private void export(Context ctx) {
        boolean secrets = "true".equals(ctx.queryParam("include_secrets"));
        if (secrets && !Auth.isAdmin(ctx)) throw Problem.forbidden("only admin keys may export secrets");
        Responses.json(ctx, 200, backup.export(secrets, ctx.header("X-Backup-Passphrase")));
    }

    private void restore(Context ctx) {
        String m = ctx.queryParam("mode");
        BackupUseCases.Mode mode;
        if ("replace".equals(m)) mode = BackupUseCases.Mode.REPLACE;
        else if ("merge".equals(m) || m == null) mode = BackupUseCases.Mode.MERGE;
        else throw Problem.invalid("mode", "must be replace or merge");
        var s = backup.restore(Requests.jsonBody(ctx, maxBody), mode, ctx.header("X-Backup-Passphrase"));
        Responses.json(ctx, 200, Json.object().put("mode", mode.name().toLowerCase()).put("services", s.services())
                .put("subscriptions", s.subscriptions()).put("services_removed", s.servicesRemoved())
                .put("subscriptions_removed", s.subscriptionsRemoved()).put("sources", s.sources())
                .put("sources_removed", s.sourcesRemoved()));
    }
}

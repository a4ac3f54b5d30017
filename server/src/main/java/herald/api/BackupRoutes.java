package herald.api;

import herald.json.Json;
import herald.problem.Problem;
import herald.usecase.BackupUseCases;
import herald.usecase.ImportUseCases;
import io.javalin.http.Context;

/**
 * {@code GET /api/v1/backup}, {@code POST /api/v1/restore?mode=replace|merge}, and
 * {@code POST /api/v1/import/local-webhooks} (a local_webhooks backup file). The passphrase
 * travels in the {@code X-Backup-Passphrase} header so that it stays out of URLs and access logs.
 */
final class BackupRoutes {
    private final BackupUseCases backup;
    private final ImportUseCases imports;
    private final long maxBody;

    BackupRoutes(BackupUseCases backup, ImportUseCases imports, long maxBody) {
        this.backup = backup;
        this.imports = imports;
        this.maxBody = maxBody;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/backup", Permission.READ, this::export);
        r.post("/api/v1/restore", Permission.ADMIN, this::restore);
        r.post("/api/v1/import/local-webhooks", Permission.ADMIN, this::importLocalWebhooks);
    }

    /** The body is the backup file as it is (text: base64, or PHP serialize() output); {@code site_url} optional. */
    private void importLocalWebhooks(Context ctx) {
        Requests.checkDeclaredLength(ctx.header("Content-Length"), maxBody);
        byte[] file = ctx.bodyAsBytes();
        if (file.length > maxBody) throw Problem.tooLarge("body", "must be at most " + maxBody + " bytes", "the file is too large");
        var imported = imports.localWebhooks(Actors.of(ctx), file, ctx.queryParam("site_url"));
        var o = Json.object();
        o.put("services", imported.size());
        o.put("subscriptions", imported.stream().mapToInt(i -> i.subscriptionIds().size()).sum());
        var items = o.putArray("items");
        for (var i : imported) {
            var item = items.addObject().put("service_id", i.serviceId()).put("name", i.name());
            i.subscriptionIds().forEach(item.putArray("subscription_ids")::add);
            i.events().forEach(item.putArray("events")::add);
            i.warnings().forEach(item.putArray("warnings")::add);
        }
        Responses.json(ctx, 200, o);
    }

    private void export(Context ctx) {
        boolean secrets = Requests.flag(ctx, "include_secrets");
        if (secrets && !Auth.isAdmin(ctx)) throw Problem.forbidden("only admin keys may export secrets");
        Responses.json(ctx, 200, backup.export(secrets, ctx.header("X-Backup-Passphrase")));
    }

    private void restore(Context ctx) {
        String m = ctx.queryParam("mode");
        BackupUseCases.Mode mode;
        if ("replace".equals(m)) mode = BackupUseCases.Mode.REPLACE;
        else if ("merge".equals(m) || m == null) mode = BackupUseCases.Mode.MERGE;
        else throw Problem.invalid("mode", "must be replace or merge");
        boolean dryRun = Requests.flag(ctx, "dry_run");
        var s = backup.restore(Actors.of(ctx), Requests.jsonBody(ctx, maxBody), mode, ctx.header("X-Backup-Passphrase"), dryRun);
        var o = Json.object().put("mode", mode.name().toLowerCase());
        o.setAll(BackupUseCases.summaryJson(s));
        Responses.json(ctx, 200, o);
    }
}

package herald.web;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import herald.problem.Problem;
import herald.text.Words;
import herald.usecase.BackupUseCases;
import herald.usecase.UseCases;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings: the global delivery switch; API keys (made with scopes, shown once, revoked); users
 * and roles; backup (download), restore (upload, see what will change, then apply) and the import
 * of a local_webhooks backup file.
 */
final class SettingsPages {
    private final UseCases uc;
    private final long maxBody;

    SettingsPages(UseCases uc, long maxBody) {
        this.uc = uc;
        this.maxBody = maxBody;
    }

    void register(Pages p) {
        p.get("/admin/settings", Need.VIEWER, ctx -> settings(p, ctx, null, null));
        p.post("/admin/settings/deliveries", Need.ADMIN, ctx -> {
            boolean on = "true".equals(ctx.formParam("on"));
            uc.settings().update(WebUi.actor(ctx), Json.object().put("deliveries_enabled", on));
            WebUi.redirect(ctx, "/admin/settings", on ? "Deliveries are on: waiting deliveries go now."
                    : "Deliveries are off: events are still taken in and stored; their deliveries wait.", false);
        });
        p.post("/admin/keys", Need.ADMIN, ctx -> inSection(p, ctx, "keys", () -> {
            var body = Json.object().put("name", String.valueOf(ctx.formParam("name")).strip());
            ctx.formParams("scopes").forEach(body.withArray("scopes")::add);
            if (!body.has("scopes")) body.putArray("scopes");
            var created = uc.keys().create(WebUi.actor(ctx), body);
            p.page(ctx, "secretOnce.jte", "New API key", "settings", Map.of("title", "API key " + created.key().name(),
                    "secret", created.secret(), "explain", "Copy the key now: Herald keeps only its hash and cannot show it again."
                            + " Send it as 'Authorization: Bearer <key>'.", "next", "/admin/settings#keys"));
        }));
        p.post("/admin/keys/{id}/revoke", Need.ADMIN, ctx -> {
            uc.keys().revoke(WebUi.actor(ctx), ctx.pathParam("id"));
            WebUi.redirect(ctx, "/admin/settings#keys", "Revoked: the key stops working on every node within a second.", false);
        });
        p.post("/admin/users", Need.ADMIN, ctx -> inSection(p, ctx, "users", () -> {
            var made = uc.users().create(WebUi.actor(ctx), Json.object().put("username", String.valueOf(ctx.formParam("username")).strip())
                    .put("role", String.valueOf(ctx.formParam("role"))));
            oneTime(p, ctx, made);
        }));
        p.post("/admin/users/{id}/role", Need.ADMIN, ctx -> inSection(p, ctx, "users", () -> {
            var u = uc.users().setRole(WebUi.actor(ctx), ctx.pathParam("id"), Json.object().put("role", String.valueOf(ctx.formParam("role"))));
            WebUi.redirect(ctx, "/admin/settings#users", u.username() + " is now " + u.role().wire() + ".", false);
        }));
        p.post("/admin/users/{id}/reset", Need.ADMIN, ctx -> oneTime(p, ctx, uc.users().resetPassword(WebUi.actor(ctx), ctx.pathParam("id"))));
        p.post("/admin/users/{id}/delete", Need.ADMIN, ctx -> {
            var u = uc.users().get(ctx.pathParam("id"));
            uc.users().delete(WebUi.actor(ctx), u.id());
            WebUi.redirect(ctx, "/admin/settings#users", "Removed the user " + u.username() + ".", false);
        });
        p.post("/admin/backup", Need.ADMIN, ctx -> {
            boolean secrets = "true".equals(ctx.formParam("include_secrets"));
            JsonNode doc = uc.backup().export(secrets, ctx.formParam("passphrase"));
            ctx.header("Content-Disposition", "attachment; filename=\"herald-backup-" + Instant.now().toString().substring(0, 10) + ".json\"");
            ctx.contentType("application/json").result(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
        });
        p.post("/admin/restore", Need.ADMIN, ctx -> inSection(p, ctx, "backup", () -> restore(p, ctx)));
        // The learner's id travels in form fields, never in a URL (where access logs would keep it).
        p.post("/admin/erasure", Need.ADMIN, ctx -> inSection(p, ctx, "erase", () -> {
            String userId = ctx.formParam("user_id") == null ? "" : ctx.formParam("user_id").strip();
            String source = ctx.formParam("source") == null ? "" : ctx.formParam("source").strip();
            if (!"true".equals(ctx.formParam("_confirmed"))) {
                if (userId.isEmpty()) throw Problem.invalid("user_id", "is required: the learner's id in the LMS");
                String of = source.isEmpty() ? "" : " of the source " + WebUi.sourceNames(uc).getOrDefault(source, source);
                p.page(ctx, "confirm.jte", "Erase a learner", "settings", Map.of("question", "Erase the learner " + userId + of + "?",
                        "consequence", "Every event about them, with its deliveries, dead letters and attempts, and the webfilter, inspector"
                                + " and gateway requests naming them, are deleted on every node. This cannot be undone, and a backup does"
                                + " not bring them back.", "action", "/admin/erasure", "button", "Erase the learner",
                        "cancel", "/admin/settings#erase", "fields", Map.of("user_id", userId, "source", source, "_confirmed", "true")));
                return;
            }
            var body = Json.object().put("user_id", userId);
            if (!source.isEmpty()) body.put("source", source);
            var erased = uc.erasure().erase(WebUi.actor(ctx), body);
            p.page(ctx, "erased.jte", "Learner erased", "settings", Map.of("erased", erased));
        }));
        p.post("/admin/import", Need.ADMIN, ctx -> inSection(p, ctx, "import", () -> {
            byte[] file = upload(ctx, "file");
            var imported = uc.imports().localWebhooks(WebUi.actor(ctx), file, ctx.formParam("site_url"));
            p.page(ctx, "imported.jte", "Imported", "settings", Map.of("imported", imported));
        }));
    }

    private void settings(Pages p, Context ctx, Map<String, String> errors, Map<String, List<String>> typed) {
        var params = new HashMap<String, Object>();
        params.put("deliveriesEnabled", uc.settings().deliveriesEnabled());
        params.put("keys", uc.keys().list());
        params.put("users", WebUi.user(ctx).user().role().includes(herald.access.Role.ADMIN) ? uc.users().list() : List.of());
        params.put("errors", errors == null ? Map.of() : errors);
        params.put("typed", typed == null ? Map.of() : typed);
        params.put("sourceNames", WebUi.user(ctx).user().role().includes(herald.access.Role.ADMIN) ? WebUi.sourceNames(uc) : Map.of());
        p.page(ctx, "settings.jte", "Settings", "settings", params);
    }

    /** A form of the Settings page: refused, the page comes back with the reason in the form's section and what was typed. */
    private void inSection(Pages p, Context ctx, String section, Action action) throws Exception {
        try {
            action.run();
        } catch (Problem e) {
            if (e.kind() == Problem.Kind.NOT_FOUND || e.kind() == Problem.Kind.FORBIDDEN) throw e;
            Forms.refused(ctx, e, null);
            settings(p, ctx, Map.of(section, String.join("; ", Forms.placed(e, List.of()).values())), ctx.formParamMap());
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** Upload → a dry run listing what would change → the same document applied when confirmed. */
    private void restore(Pages p, Context ctx) {
        boolean confirmed = "true".equals(ctx.formParam("_confirmed"));
        String text = confirmed ? ctx.formParam("document") : new String(upload(ctx, "file"), StandardCharsets.UTF_8);
        JsonNode doc;
        try {
            doc = Json.read(text == null ? "" : text);
        } catch (IllegalArgumentException e) {
            throw Problem.invalid("file", "is not a Herald backup (JSON): " + e.getMessage());
        }
        var mode = "replace".equals(ctx.formParam("mode")) ? BackupUseCases.Mode.REPLACE : BackupUseCases.Mode.MERGE;
        String passphrase = ctx.formParam("passphrase");
        var summary = uc.backup().restore(WebUi.actor(ctx), doc, mode, passphrase, !confirmed);
        if (confirmed) {
            WebUi.redirect(ctx, "/admin/settings", "Restored: " + Words.count(summary.changes().size(), "change") + " applied.", false);
            return;
        }
        var params = new HashMap<String, Object>();
        params.put("summary", summary);
        params.put("document", text);
        params.put("mode", mode.name().toLowerCase());
        // Asked again rather than written into the page, where it would stay in the browser's memory and saved pages.
        params.put("sealed", passphrase != null && !passphrase.isEmpty());
        p.page(ctx, "restorePreview.jte", "Restore: what will change", "settings", params);
    }

    private void oneTime(Pages p, Context ctx, herald.usecase.UserUseCases.WithPassword u) {
        p.page(ctx, "secretOnce.jte", "One-time password", "settings", Map.of("title", "One-time password for " + u.user().username(),
                "secret", u.oneTimePassword(), "explain", "Give it to " + u.user().username() + " in person or through a channel you trust."
                        + " It is shown only now; at the first sign-in they choose their own.", "next", "/admin/settings#users"));
    }

    private byte[] upload(Context ctx, String field) {
        var file = ctx.uploadedFile(field);
        if (file == null) throw Problem.invalid(field, "choose a file");
        if (file.size() > maxBody) throw Problem.tooLarge(field, "must be at most " + maxBody + " bytes", "the file is too large");
        try (var in = file.content()) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw Problem.invalid(field, "could not be read");
        }
    }
}

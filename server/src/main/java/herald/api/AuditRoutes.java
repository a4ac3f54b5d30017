package herald.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.audit.AuditLog;
import herald.json.Json;
import herald.usecase.AuditUseCases;
import io.javalin.http.Context;

/** {@code GET /api/v1/audit}: every configuration change, newest first, filterable. */
final class AuditRoutes {
    private final AuditUseCases audit;

    AuditRoutes(AuditUseCases audit) {
        this.audit = audit;
    }

    void register(ApiRoutes r) {
        r.get("/api/v1/audit", Permission.READ, this::list);
    }

    private void list(Context ctx) {
        int limit = Requests.limit(ctx);
        Long before = Requests.numberCursor(ctx);
        var filter = new AuditLog.Filter(ctx.queryParam("target_type"), ctx.queryParam("target_id"), ctx.queryParam("actor"),
                ctx.queryParam("action"), Requests.time(ctx, "since"), Requests.time(ctx, "until"));
        var rows = audit.list(filter, before, limit);
        Responses.page(ctx, rows, limit, AuditRoutes::view, e -> String.valueOf(e.seq()));
    }

    static ObjectNode view(AuditLog.Entry e) {
        ObjectNode o = Json.object();
        o.put("id", Long.toString(e.seq())); // ids are strings (the contract), this one a number in the log
        o.put("time", Requests.iso(e.at()));
        o.putObject("actor").put("kind", e.actor().kind().wire()).put("id", e.actor().id()).put("name", e.actor().name());
        o.put("action", e.action());
        o.putObject("target").put("type", e.targetType()).put("id", e.targetId()).put("name", e.targetName());
        o.set("before", e.before());
        o.set("after", e.after());
        return o;
    }
}

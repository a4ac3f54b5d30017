package herald.web;

import herald.audit.AuditLog;
import herald.usecase.AuditUseCases;
import java.util.HashMap;

/** The audit log: who changed what and when, with the resource before and after (secrets masked), filterable. */
final class AuditPages {
    private static final int PAGE = 50;
    private final AuditUseCases audit;

    AuditPages(AuditUseCases audit) {
        this.audit = audit;
    }

    void register(Pages p) {
        p.get("/admin/audit", Need.VIEWER, ctx -> {
            var filter = new AuditLog.Filter(Query.text(ctx, "target_type"), Query.text(ctx, "target_id"), Query.text(ctx, "actor"),
                    Query.text(ctx, "action"), Query.time(ctx, "since"), Query.time(ctx, "until"));
            var rows = audit.list(filter, Query.seq(ctx, "before"), PAGE);
            var params = new HashMap<String, Object>();
            params.put("rows", rows.subList(0, Math.min(PAGE, rows.size())));
            params.put("q", ctx.queryParamMap());
            params.put("next", rows.size() > PAGE ? "/admin/audit?" + Query.without(ctx, "before") + "&before=" + rows.get(PAGE - 1).seq() : null);
            p.page(ctx, "audit.jte", "Audit log", "audit", params);
        });
    }
}

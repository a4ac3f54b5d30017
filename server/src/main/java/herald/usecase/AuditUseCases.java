package herald.usecase;

import herald.audit.AuditLog;
import java.util.List;

/** The audit log: who changed what, when, with the resource before and after. */
public final class AuditUseCases {
    private final AuditLog log;

    public AuditUseCases(AuditLog log) {
        this.log = log;
    }

    public List<AuditLog.Entry> list(AuditLog.Filter filter, Long beforeSeq, int limit) {
        return log.list(filter, beforeSeq, limit);
    }
}

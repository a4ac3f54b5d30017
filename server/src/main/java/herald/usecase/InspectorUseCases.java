package herald.usecase;

import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.inspector.Inspector;
import herald.problem.Problem;
import java.util.List;
import java.util.Map;

/** The request inspector's bins: make one, see what it received, remove it; and the receiving end itself. */
public final class InspectorUseCases {
    private final Inspector inspector;
    private final AuditLog audit;

    public InspectorUseCases(Inspector inspector, AuditLog audit) {
        this.inspector = inspector;
        this.audit = audit;
    }

    public List<Inspector.Bin> bins() {
        return inspector.bins();
    }

    public Inspector.Bin bin(String id) {
        return inspector.bin(id).orElseThrow(() -> Problem.notFound("bin", id));
    }

    public Inspector.Bin create(Actor actor, String name) {
        String n = name == null || name.isBlank() ? "bin" : name.strip();
        if (n.length() > 100) throw Problem.invalid("name", "must have at most 100 characters");
        Inspector.Bin bin = inspector.create(n, System.currentTimeMillis()).orElseThrow(() -> Problem.conflict("name",
                "there are " + Inspector.MAX_BINS + " bins already: remove one first"));
        audit.record(actor, "inspector_bin.created", new AuditLog.Target("inspector_bin", bin.id(), bin.name()), null, null);
        return bin;
    }

    public void delete(Actor actor, String id) {
        Inspector.Bin bin = bin(id);
        if (!inspector.delete(id)) throw Problem.notFound("bin", id);
        audit.record(actor, "inspector_bin.deleted", new AuditLog.Target("inspector_bin", bin.id(), bin.name()), null, null);
    }

    public List<Inspector.Captured> requests(String binId, int limit) {
        bin(binId);
        return inspector.requests(binId, limit);
    }

    /** A request to {@code /inspect/{bin}}: kept, or false when there is no such bin. */
    public boolean capture(String binId, String method, String path, String query, Map<String, List<String>> headers, byte[] body,
                           String remote) {
        return inspector.capture(binId, method, path, query, headers, body, remote, System.currentTimeMillis());
    }
}

package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import herald.access.ApiKeys;
import herald.access.Scope;
import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.json.Json;
import herald.store.Database;
import herald.json.JsonFields;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** API keys: create (the clear key exists only in that answer), list, revoke. */
public final class KeyUseCases {
    private final Database db;
    private final ApiKeys keys;
    private final AuditLog audit;

    public KeyUseCases(Database db, ApiKeys keys, AuditLog audit) {
        this.db = db;
        this.keys = keys;
        this.audit = audit;
    }

    public List<ApiKeys.ApiKey> list() {
        return keys.list();
    }

    /** {@code body}: {@code {"name", "scopes": ["admin"|"ingest"|"read"|"metrics", …]}}. */
    public ApiKeys.Created create(Actor actor, JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("name", "scopes");
        String name = f.string("name", true, 100, null);
        List<String> scopes = f.strings("scopes", 5, 10);
        Set<Scope> parsed = EnumSet.noneOf(Scope.class);
        if (scopes == null || scopes.isEmpty()) {
            errors.add("scopes", "give one or more of admin, ingest, read, metrics, gateway");
        } else {
            for (int i = 0; i < scopes.size(); i++) {
                try {
                    parsed.add(Scope.fromWire(scopes.get(i)));
                } catch (IllegalArgumentException e) {
                    errors.add("scopes[" + i + "]", "must be admin, ingest, read, metrics or gateway");
                }
            }
        }
        errors.throwIfAny();
        return db.inTransaction(c -> {
            ApiKeys.Created created = keys.create(c, name, parsed);
            audit.record(c, actor, "api_key.created", target(created.key()), null, view(created.key()));
            return created;
        });
    }

    public void revoke(Actor actor, String id) {
        ApiKeys.ApiKey key = keys.get(id).orElseThrow(() -> Problem.notFound("API key", id));
        boolean deleted = db.inTransaction(c -> {
            if (!keys.delete(c, id)) return false;
            audit.record(c, actor, "api_key.revoked", target(key), view(key), null);
            return true;
        });
        if (!deleted) throw Problem.notFound("API key", id);
    }

    private static AuditLog.Target target(ApiKeys.ApiKey k) {
        return new AuditLog.Target("api_key", k.id(), k.name());
    }

    /** What the audit log keeps of a key: never the key itself, only its first characters. */
    private static com.fasterxml.jackson.databind.node.ObjectNode view(ApiKeys.ApiKey k) {
        var o = Json.object().put("id", k.id()).put("name", k.name()).put("prefix", k.prefix());
        k.scopes().stream().map(Scope::wire).sorted().forEach(o.putArray("scopes")::add);
        return o;
    }
}

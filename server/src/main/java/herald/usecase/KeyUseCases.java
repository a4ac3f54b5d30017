package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import herald.access.ApiKeys;
import herald.access.Scope;
import herald.json.JsonFields;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** API keys: create (the clear key exists only in that answer), list, revoke. */
public final class KeyUseCases {
    private final ApiKeys keys;

    public KeyUseCases(ApiKeys keys) {
        this.keys = keys;
    }

    public List<ApiKeys.ApiKey> list() {
        return keys.list();
    }

    /** {@code body}: {@code {"name", "scopes": ["admin"|"ingest"|"read"|"metrics", …]}}. */
    public ApiKeys.Created create(JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("name", "scopes");
        String name = f.string("name", true, 100, null);
        List<String> scopes = f.strings("scopes", 4, 10);
        Set<Scope> parsed = EnumSet.noneOf(Scope.class);
        if (scopes == null || scopes.isEmpty()) {
            errors.add("scopes", "give one or more of admin, ingest, read, metrics");
        } else {
            for (int i = 0; i < scopes.size(); i++) {
                try {
                    parsed.add(Scope.fromWire(scopes.get(i)));
                } catch (IllegalArgumentException e) {
                    errors.add("scopes[" + i + "]", "must be admin, ingest, read or metrics");
                }
            }
        }
        errors.throwIfAny();
        return keys.create(name, parsed);
    }

    public void revoke(String id) {
        if (!keys.delete(id)) throw Problem.notFound("API key", id);
    }
}

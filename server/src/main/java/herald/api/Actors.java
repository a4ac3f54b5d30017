package herald.api;

import herald.access.ApiKeys;
import herald.audit.Actor;
import io.javalin.http.Context;

/** Who is calling, for the audit log: the request's API key. */
final class Actors {
    private Actors() {}

    static Actor of(Context ctx) {
        ApiKeys.ApiKey key = ctx.attribute(Auth.KEY_ATTRIBUTE);
        if (key == null) throw new IllegalStateException("no API key on an API route: " + ctx.path());
        return Actor.apiKey(key.id(), key.name());
    }
}

package herald.web;

import herald.security.ApiKeys;
import herald.security.Scope;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Optional;

/**
 * Bearer-key check for {@code /api/*}: no or unknown key is 401, a key whose scopes do not cover
 * the request is 403. {@code admin} may do anything, {@code read} only GET, {@code ingest} only
 * {@code POST /api/v1/events}.
 */
public final class Auth implements Handler {
    public static final String KEY_ATTRIBUTE = "herald.apiKey";
    private final ApiKeys keys;

    public Auth(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void handle(Context ctx) {
        String header = ctx.header("Authorization");
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        Optional<ApiKeys.ApiKey> key = keys.authenticate(presented);
        if (key.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "Unauthorized",
                    presented == null ? "send an API key as 'Authorization: Bearer <key>'" : "the API key is not valid");
        }
        if (!allowed(key.get(), ctx.method().name(), ctx.path())) {
            throw new ApiException(403, "Forbidden", "the API key's scopes " + key.get().scopes()
                    + " do not allow " + ctx.method().name() + " " + ctx.path());
        }
        ctx.attribute(KEY_ATTRIBUTE, key.get());
    }

    static boolean allowed(ApiKeys.ApiKey key, String method, String path) {
        if (key.scopes().contains(Scope.ADMIN)) return true;
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (read && key.scopes().contains(Scope.READ)) return true;
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return method.equals("POST") && p.equals("/api/v1/events") && key.scopes().contains(Scope.INGEST);
    }

    /** True when the request's key has the admin scope (for answers that reveal more to admins). */
    public static boolean isAdmin(Context ctx) {
        ApiKeys.ApiKey k = ctx.attribute(KEY_ATTRIBUTE);
        return k != null && k.scopes().contains(Scope.ADMIN);
    }
}

package herald.web;

import herald.security.ApiKeys;
import herald.security.Scope;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Optional;

/**
 * Bearer-key check for {@code /api/*}: no or unknown key is 401, a key whose scopes do not cover
 * the request is 403. {@code admin} may do anything, {@code read} only GET, {@code ingest} only
 * {@code POST /api/v1/events}. {@link #authorize} is the decision; Javalin's before-handler and the
 * ingest fast path ({@code herald.ingest.IngestHandler}) both ask it.
 */
public final class Auth implements Handler {
    public static final String KEY_ATTRIBUTE = "herald.apiKey";
    private final ApiKeys keys;

    public Auth(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void handle(Context ctx) {
        ctx.attribute(KEY_ATTRIBUTE, authorize(ctx.header("Authorization"), ctx.method().name(), ctx.path()));
    }

    /**
     * The key that may make this request, given its {@code Authorization} header (or null), method
     * and path as sent; otherwise throws the 401 (with {@code WWW-Authenticate: Bearer}) or 403 problem.
     */
    public ApiKeys.ApiKey authorize(String authorization, String method, String path) {
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        Optional<ApiKeys.ApiKey> key = keys.authenticate(presented);
        if (key.isEmpty()) {
            throw new ApiException(401, "Unauthorized",
                    presented == null ? "send an API key as 'Authorization: Bearer <key>'" : "the API key is not valid")
                    .withHeader("WWW-Authenticate", "Bearer");
        }
        if (!allowed(key.get(), method, path)) {
            throw new ApiException(403, "Forbidden", "the API key's scopes " + key.get().scopes()
                    + " do not allow " + method + " " + path);
        }
        return key.get();
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

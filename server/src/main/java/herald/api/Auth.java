package herald.api;

import herald.access.ApiKeys;
import herald.problem.Problem;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.util.Optional;
import java.util.Set;

/**
 * API keys on {@code /api/*}: no or unknown key is 401, whatever the path; a key whose scopes do not
 * grant the route's declared {@link Permission} is 403. {@link #authenticate} and {@link #authorize}
 * are the decisions; Javalin's handlers and the ingest fast path ({@link IngestHandler}) both ask them.
 */
public final class Auth {
    public static final String KEY_ATTRIBUTE = "herald.apiKey";
    private final ApiKeys keys;

    public Auth(ApiKeys keys) {
        this.keys = keys;
    }

    /** Before every {@code /api/*} request: the key, or 401. */
    void authenticate(Context ctx) {
        ctx.attribute(KEY_ATTRIBUTE, authenticate(ctx.header("Authorization")));
    }

    /** Before a matched route: its permission, or 403. */
    void authorize(Context ctx) {
        ApiKeys.ApiKey key = ctx.attribute(KEY_ATTRIBUTE);
        if (key == null) return; // not an API route
        Set<RouteRole> roles = ctx.routeRoles();
        Permission needed = roles.stream().filter(Permission.class::isInstance).map(Permission.class::cast)
                .findFirst().orElse(Permission.ADMIN); // an API route that declared nothing is admin-only
        authorize(key, needed, ctx.method().name(), ctx.path());
    }

    /** The key of an {@code Authorization} header (or null); otherwise the unauthenticated problem. */
    public ApiKeys.ApiKey authenticate(String authorization) {
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        Optional<ApiKeys.ApiKey> key = keys.authenticate(presented);
        if (key.isEmpty()) {
            throw new Problem(Problem.Kind.UNAUTHENTICATED,
                    presented == null ? "send an API key as 'Authorization: Bearer <key>'" : "the API key is not valid");
        }
        return key.get();
    }

    /** Throws the forbidden problem unless {@code key} may do what needs {@code needed}. */
    public void authorize(ApiKeys.ApiKey key, Permission needed, String method, String path) {
        if (!needed.grantedTo(key.scopes())) {
            throw Problem.forbidden("the API key's scopes " + key.scopes() + " do not allow " + method + " " + path);
        }
    }

    /** True when the request's key has the admin scope (for answers that reveal more to admins). */
    public static boolean isAdmin(Context ctx) {
        ApiKeys.ApiKey k = ctx.attribute(KEY_ATTRIBUTE);
        return k != null && Permission.ADMIN.grantedTo(k.scopes());
    }
}

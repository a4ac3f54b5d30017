package herald.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * Routes served beside the API by the same server (the admin UI): registered with the API's, but
 * answering their own errors (as pages, not problem JSON) under their own path prefixes.
 */
public interface PageRoutes {
    /** Path prefixes these routes own, such as {@code /admin}. */
    List<String> prefixes();

    void register(RoutesConfig routes);

    /** Answers an exception thrown while serving one of these routes. */
    void error(Exception e, Context ctx);

    /** Answers a request under a prefix that matched no route. */
    void notFound(Context ctx);

    default boolean owns(String path) {
        return prefixes().stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
    }
}

package herald.api;

import herald.access.Scope;
import io.javalin.security.RouteRole;
import java.util.Set;

/**
 * What a route requires of the key that calls it, declared with the route. An {@code admin} key
 * may do anything; a {@code read} key what is {@link #READ}; an {@code ingest} key what is {@link #INGEST}.
 */
public enum Permission implements RouteRole {
    /** Looking, changing nothing. */
    READ,
    /** Sending events in. */
    INGEST,
    /** Reading {@code /metrics}. */
    METRICS,
    /** Calling a service through the gateway. */
    GATEWAY,
    /** Everything else: configuration, replays, keys. */
    ADMIN;

    /** Whether a key with {@code scopes} may do what needs this permission. */
    public boolean grantedTo(Set<Scope> scopes) {
        if (scopes.contains(Scope.ADMIN)) return true;
        return switch (this) {
            case READ -> scopes.contains(Scope.READ);
            case INGEST -> scopes.contains(Scope.INGEST);
            case METRICS -> scopes.contains(Scope.METRICS) || scopes.contains(Scope.READ);
            case GATEWAY -> scopes.contains(Scope.GATEWAY);
            case ADMIN -> false;
        };
    }
}

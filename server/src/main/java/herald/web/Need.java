package herald.web;

import herald.access.Role;
import io.javalin.security.RouteRole;

/** What a page or action of the admin UI needs of the signed-in user's role. */
enum Need implements RouteRole {
    /** Signed in with any role: look. */
    VIEWER(Role.VIEWER),
    /** Run deliveries: retry, replay, pause, test-send, the inspector. */
    OPERATOR(Role.OPERATOR),
    /** Change configuration, keys and users. */
    ADMIN(Role.ADMIN),
    /** No sign-in (the sign-in page itself, static files, the inspector's receiving end). */
    NOBODY(null);

    final Role role;

    Need(Role role) {
        this.role = role;
    }
}

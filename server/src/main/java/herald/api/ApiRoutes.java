package herald.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;

/** Registers the API's routes, each with the {@link Permission} it needs: no route goes without one. */
final class ApiRoutes {
    private final RoutesConfig routes;

    ApiRoutes(RoutesConfig routes) {
        this.routes = routes;
    }

    void get(String path, Permission permission, Handler handler) {
        routes.get(path, handler, permission);
    }

    void post(String path, Permission permission, Handler handler) {
        routes.post(path, handler, permission);
    }

    void put(String path, Permission permission, Handler handler) {
        routes.put(path, handler, permission);
    }

    void patch(String path, Permission permission, Handler handler) {
        routes.patch(path, handler, permission);
    }

    void delete(String path, Permission permission, Handler handler) {
        routes.delete(path, handler, permission);
    }
}

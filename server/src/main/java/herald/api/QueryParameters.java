package herald.api;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import herald.problem.Problem;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters each route takes, as the OpenAPI document declares them: another one is a
 * 400 naming it, so that a mistyped filter ({@code ?service=} for {@code ?service_id=}) is not
 * answered with the whole list as if it had filtered. A route the document does not describe is
 * not checked.
 */
final class QueryParameters {
    private final byte[] openApi;
    /** Read from the document at the first API request, not at start-up (which has a budget). */
    private volatile Map<String, Set<String>> byRoute;

    QueryParameters(byte[] openApi) {
        this.openApi = openApi;
    }

    private Map<String, Set<String>> byRoute() {
        Map<String, Set<String>> read = byRoute;
        if (read == null) byRoute = read = read(openApi);
        return read;
    }

    private static Map<String, Set<String>> read(byte[] openApi) {
        Map<String, Set<String>> byRoute = new HashMap<>();
        JsonNode doc = Json.read(new String(openApi, java.nio.charset.StandardCharsets.UTF_8));
        JsonNode shared = doc.path("components").path("parameters");
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (!op.getValue().isObject() || !op.getValue().has("responses")) return; // path-level fields
            Set<String> names = new TreeSet<>();
            for (JsonNode p : path.getValue().path("parameters")) add(p, shared, names);
            for (JsonNode p : op.getValue().path("parameters")) add(p, shared, names);
            byRoute.put(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(), names);
        }));
        return Map.copyOf(byRoute);
    }

    private static void add(JsonNode p, JsonNode shared, Set<String> names) {
        if (p.has("$ref")) p = shared.path(p.get("$ref").asText().substring("#/components/parameters/".length()));
        if ("query".equals(p.path("in").asText())) names.add(p.path("name").asText());
    }

    /** Before an API route's handler: every query parameter is one it takes. */
    void check(Context ctx) {
        var matched = ctx.endpoints().matchedHttpEndpoint();
        if (!ctx.path().startsWith("/api/") || matched == null) return;
        String route = ctx.method().name() + " " + matched.path;
        Set<String> takes = byRoute().get(route);
        if (takes == null) return;
        for (String name : ctx.queryParamMap().keySet()) {
            if (!takes.contains(name)) {
                throw Problem.invalid(name, "is not a query parameter of " + route
                        + (takes.isEmpty() ? ", which takes none" : ", which takes " + String.join(", ", takes)));
            }
        }
    }
}

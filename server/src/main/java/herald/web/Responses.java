package herald.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Json;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Function;

/** Writing responses the same way everywhere: JSON, list pages, RFC 9457 problems. */
public final class Responses {
    private Responses() {}

    public static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    /**
     * A list page: {@code {"items": [...], "next_cursor": ...}}. Callers fetch {@code limit + 1}
     * rows; the extra one only tells that another page exists.
     */
    public static <T> void page(Context ctx, List<T> rows, int limit, Function<T, JsonNode> view, Function<T, String> key) {
        ObjectNode o = Json.object();
        ArrayNode items = o.putArray("items");
        for (int i = 0; i < Math.min(limit, rows.size()); i++) items.add(view.apply(rows.get(i)));
        if (rows.size() > limit) o.put("next_cursor", Requests.encodeCursor(key.apply(rows.get(limit - 1))));
        else o.putNull("next_cursor");
        json(ctx, 200, o);
    }

    public static void problem(Context ctx, ApiException e) {
        ObjectNode p = Json.object();
        p.put("type", e.status() == 400 ? "urn:herald:problem:invalid-request" : "about:blank");
        p.put("title", e.title());
        p.put("status", e.status());
        p.put("detail", e.getMessage());
        p.put("instance", ctx.path());
        if (!e.errors().isEmpty()) {
            ArrayNode errs = p.putArray("errors");
            for (FieldError fe : e.errors()) {
                ObjectNode entry = errs.addObject().put("field", fe.field()).put("message", fe.message());
                if (fe.line() != null) entry.put("line", fe.line()).put("column", fe.column());
            }
        }
        ctx.status(e.status()).contentType("application/problem+json").result(Json.write(p));
    }
}

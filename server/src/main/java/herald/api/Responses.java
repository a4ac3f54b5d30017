package herald.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.json.TreeBudget;
import herald.problem.FieldError;
import herald.problem.Problem;
import herald.store.StoreException;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writing responses the same way everywhere: JSON, list pages, RFC 9457 problems. The problem body
 * and the mapping of failures to problems are plain functions, so that Javalin's handlers and the
 * ingest fast path ({@code herald.api.IngestHandler}) answer alike.
 */
public final class Responses {
    private static final Logger log = LoggerFactory.getLogger(Responses.class);
    public static final String PROBLEM_JSON = "application/problem+json";

    private Responses() {}

    public static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    /**
     * A list page: {@code {"items": [...], "next_cursor": ...}}. Callers fetch {@code limit + 1}
     * rows; the extra one only tells that another page exists.
     */
    public static <T> void page(Context ctx, List<T> rows, int limit, Function<T, JsonNode> view, Function<T, String> key) {
        page(ctx, rows, limit, view, key, null);
    }

    /** {@code continueFrom}: the cursor to give when {@code rows} holds no more than a page but more may follow. */
    public static <T> void page(Context ctx, List<T> rows, int limit, Function<T, JsonNode> view, Function<T, String> key,
                                String continueFrom) {
        ObjectNode o = Json.object();
        ArrayNode items = o.putArray("items");
        for (int i = 0; i < Math.min(limit, rows.size()); i++) items.add(view.apply(rows.get(i)));
        if (rows.size() > limit) o.put("next_cursor", Requests.encodeCursor(key.apply(rows.get(limit - 1))));
        else if (continueFrom != null) o.put("next_cursor", Requests.encodeCursor(continueFrom));
        else o.putNull("next_cursor");
        json(ctx, 200, o);
    }

    /**
     * A page of a list that keeps its order (it only grows at its end, or never changes), paged by
     * position: the cursor is where the next page starts.
     */
    public static void positions(Context ctx, List<? extends JsonNode> all, int limit) {
        Long after = Requests.numberCursor(ctx);
        int start = after == null ? 0 : (int) Math.max(0, Math.min(after, all.size()));
        ObjectNode o = Json.object();
        ArrayNode items = o.putArray("items");
        all.subList(start, Math.min(all.size(), start + limit)).forEach(items::add);
        if (start + limit < all.size()) o.put("next_cursor", Requests.encodeCursor(Integer.toString(start + limit)));
        else o.putNull("next_cursor");
        json(ctx, 200, o);
    }

    /** The HTTP status that answers a problem of {@code kind}. */
    public static int status(Problem.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNPROCESSABLE -> 422;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    /** The response headers that belong to a problem: when to retry, how to authenticate. */
    public static Map<String, String> headers(Problem e) {
        Map<String, String> h = new LinkedHashMap<>();
        if (e.kind() == Problem.Kind.UNAUTHENTICATED) h.put("WWW-Authenticate", "Bearer");
        if (e.retryAfterS() != null) h.put("Retry-After", Integer.toString(e.retryAfterS()));
        return h;
    }

    public static void problem(Context ctx, Problem e) {
        headers(e).forEach(ctx::header);
        ctx.status(status(e.kind())).contentType(PROBLEM_JSON).result(problemBody(e, ctx.path()));
    }

    /** The problem JSON for {@code e}; {@code instance} is the request's path as sent. */
    public static byte[] problemBody(Problem e, String instance) {
        ObjectNode p = problem(TYPE_PREFIX + e.kind().slug(), status(e.kind()), e.title(), e.getMessage(), instance);
        if (e.code() != null) p.put("code", e.code());
        if (!e.errors().isEmpty()) {
            ArrayNode errs = p.putArray("errors");
            for (FieldError fe : e.errors()) {
                ObjectNode entry = errs.addObject().put("field", fe.field()).put("message", fe.message());
                if (fe.line() != null) entry.put("line", fe.line()).put("column", fe.column());
            }
        }
        return bytes(p);
    }

    /** A problem body for an HTTP status alone (errors Jetty answers before any route); {@code instance} may be null. */
    static byte[] problemBody(int status, String title, String detail, String instance) {
        String slug = switch (status) {
            case 400 -> Problem.Kind.INVALID.slug();
            case 414 -> "uri-too-long";
            case 431 -> "headers-too-large";
            case 505 -> "http-version-not-supported";
            default -> "http-" + status;
        };
        return bytes(problem(TYPE_PREFIX + slug, status, title, detail, instance));
    }

    /** Every problem's {@code type} is this followed by its kind's slug, e.g. {@code urn:herald:problem:not-found}. */
    public static final String TYPE_PREFIX = "urn:herald:problem:";

    private static ObjectNode problem(String type, int status, String title, String detail, String instance) {
        ObjectNode p = Json.object();
        p.put("type", type);
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        if (instance != null) p.put("instance", instance);
        return p;
    }

    private static byte[] bytes(ObjectNode p) {
        try {
            return Json.MAPPER.writeValueAsBytes(p);
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * What a failure while answering {@code path} is told to the client: an {@link Problem} as
     * itself, a database failure as 503 (nothing was changed, so a retry is safe), anything else as a
     * logged 500.
     */
    public static Problem problemFor(Throwable e, String path) {
        if (e instanceof Problem problem) return problem;
        if (e instanceof TreeBudget.Exceeded x) {
            return x.alone() ? Problem.tooLarge("body", "holds more than this server takes at once: " + x.getMessage(), "the body is too large")
                    : Problem.unavailable("Herald is busy with other large requests: " + x.getMessage()).retryAfter(1);
        }
        if (e instanceof StoreException store) {
            log.warn("store.failed path={} error={}", path, e.getMessage());
            return store.problem("nothing was changed");
        }
        log.error("request.failed path={}", path, e);
        return new Problem(Problem.Kind.INTERNAL, "an unexpected error occurred");
    }
}

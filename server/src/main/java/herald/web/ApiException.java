package herald.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP error answered as RFC 9457 problem JSON; thrown by handlers and mapped in one place. It
 * carries the response headers that belong to the error (such as {@code WWW-Authenticate} on a
 * 401), so that every path that answers it sends them.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, String> headers;

    public ApiException(int status, String title, String detail, List<FieldError> errors) {
        this(status, title, detail, errors, Map.of());
    }

    public ApiException(int status, String title, String detail) {
        this(status, title, detail, List.of());
    }

    private ApiException(int status, String title, String detail, List<FieldError> errors, Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.headers = headers;
    }

    /** The same problem, answered with one more response header. */
    public ApiException withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiException(status, title, getMessage(), errors, java.util.Collections.unmodifiableMap(more));
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(404, "Not Found", what + " '" + id + "' does not exist");
    }

    public static ApiException conflict(String field, String message) {
        return new ApiException(409, "Conflict", message, List.of(new FieldError(field, message)));
    }

    public static ApiException invalid(String field, String message) {
        return new ApiException(400, "Invalid request", field + ": " + message, List.of(new FieldError(field, message)));
    }

    public int status() { return status; }
    public String title() { return title; }
    public List<FieldError> errors() { return errors; }
    public Map<String, String> headers() { return headers; }
}

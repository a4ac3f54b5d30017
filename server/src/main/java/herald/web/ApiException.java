package herald.web;

import java.util.List;

/** An HTTP error answered as RFC 9457 problem JSON; thrown by handlers and mapped in one place. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String title;
    private final List<FieldError> errors;

    public ApiException(int status, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public ApiException(int status, String title, String detail) {
        this(status, title, detail, List.of());
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
}

package herald.problem;

import java.util.List;

/**
 * Why a request cannot be done, as the client should be told: its {@link Kind}, a detail that says
 * what to do, and the fields at fault. Any layer throws it; the edges (the REST API, the UI, the CLI)
 * decide how to show it, so nothing below them knows HTTP.
 */
public class Problem extends RuntimeException {
    /** What went wrong, as a client can act on it. Each edge maps a kind to its own answer (an HTTP status). */
    public enum Kind {
        INVALID("invalid-request", "Invalid request"),
        UNAUTHENTICATED("unauthenticated", "Unauthorized"),
        FORBIDDEN("forbidden", "Forbidden"),
        NOT_FOUND("not-found", "Not Found"),
        METHOD_NOT_ALLOWED("method-not-allowed", "Method Not Allowed"),
        CONFLICT("conflict", "Conflict"),
        TOO_LARGE("too-large", "Content Too Large"),
        UNPROCESSABLE("unprocessable", "Unprocessable Content"),
        UNAVAILABLE("unavailable", "Service Unavailable"),
        INTERNAL("internal", "Internal Server Error");

        private final String slug;
        private final String title;

        Kind(String slug, String title) {
            this.slug = slug;
            this.title = title;
        }

        /** A stable name for the kind, e.g. {@code invalid-request}. */
        public String slug() {
            return slug;
        }

        public String title() {
            return title;
        }
    }

    private final Kind kind;
    private final List<FieldError> errors;
    private final Integer retryAfterS;
    private final String code;

    public Problem(Kind kind, String detail, List<FieldError> errors) {
        this(kind, detail, errors, null, null);
    }

    public Problem(Kind kind, String detail) {
        this(kind, detail, List.of(), null, null);
    }

    private Problem(Kind kind, String detail, List<FieldError> errors, Integer retryAfterS, String code) {
        super(detail);
        this.kind = kind;
        this.errors = List.copyOf(errors);
        this.retryAfterS = retryAfterS;
        this.code = code;
    }

    /** The same problem, telling the client when trying again makes sense. */
    public Problem retryAfter(int seconds) {
        return new Problem(kind, getMessage(), errors, seconds, code);
    }

    /** The same problem with a finer reason a program can test ({@code service_not_found}), beside its kind. */
    public Problem withCode(String newCode) {
        return new Problem(kind, getMessage(), errors, retryAfterS, newCode);
    }

    /** The finer reason, or null. */
    public String code() {
        return code;
    }

    public static Problem invalid(String field, String message) {
        return new Problem(Kind.INVALID, field + ": " + message, List.of(new FieldError(field, message)));
    }

    public static Problem notFound(String what, String id) {
        return new Problem(Kind.NOT_FOUND, what + " '" + id + "' does not exist");
    }

    public static Problem conflict(String field, String message) {
        return new Problem(Kind.CONFLICT, message, List.of(new FieldError(field, message)));
    }

    /** The request is well formed but names something that cannot be used. */
    public static Problem unprocessable(String field, String message, String detail) {
        return new Problem(Kind.UNPROCESSABLE, detail, List.of(new FieldError(field, message)));
    }

    public static Problem unavailable(String detail) {
        return new Problem(Kind.UNAVAILABLE, detail);
    }

    public static Problem forbidden(String detail) {
        return new Problem(Kind.FORBIDDEN, detail);
    }

    public static Problem tooLarge(String field, String message, String detail) {
        return new Problem(Kind.TOO_LARGE, detail, List.of(new FieldError(field, message)));
    }

    public Kind kind() {
        return kind;
    }

    public String title() {
        return kind.title();
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** Seconds after which a retry may succeed, or null. */
    public Integer retryAfterS() {
        return retryAfterS;
    }
}

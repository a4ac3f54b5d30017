package herald.client;

import java.util.List;

/**
 * Herald answered with an error (an RFC 9457 problem): its HTTP status, the problem's {@code type},
 * a finer {@code code} where there is one ({@code service_not_found}, {@code service_disabled},
 * {@code circuit_open}), the detail, and the fields at fault.
 */
public class HeraldException extends RuntimeException {
    /** A field the request got wrong, and what is wrong with it. */
    public record FieldError(String field, String message) {}

    private final int status;
    private final String type;
    private final String code;
    private final List<FieldError> errors;
    private final Integer retryAfterSeconds;

    public HeraldException(int status, String type, String code, String detail, List<FieldError> errors, Integer retryAfterSeconds) {
        super(detail == null ? "HTTP " + status : detail);
        this.status = status;
        this.type = type;
        this.code = code;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The HTTP status (404, 409, 503…). */
    public int status() {
        return status;
    }

    /** The problem's type, e.g. {@code urn:herald:problem:not-found}. */
    public String type() {
        return type;
    }

    /** The finer reason, or null. */
    public String code() {
        return code;
    }

    /** The fields at fault (for a 400). */
    public List<FieldError> errors() {
        return errors;
    }

    /** When trying again makes sense (from {@code Retry-After}), or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

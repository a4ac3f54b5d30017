package herald.problem;

/**
 * One invalid input field, as listed in a problem body's {@code errors}; {@code line} and
 * {@code column} (from 1) point into the field's text when it is itself source, such as a template.
 */
public record FieldError(String field, String message, Integer line, Integer column) {
    public FieldError(String field, String message) {
        this(field, message, null, null);
    }
}

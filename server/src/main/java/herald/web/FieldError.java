package herald.web;

/** One invalid input field, as listed in a problem body's {@code errors}. */
public record FieldError(String field, String message) {}

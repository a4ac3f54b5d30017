package herald.problem;

import java.util.ArrayList;
import java.util.List;

/** Collects validation problems so one response names every bad field, not just the first. */
public final class FieldErrors {
    private final List<FieldError> errors = new ArrayList<>();

    public void add(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    /** An error at a place inside the field's text (a template's line and column). */
    public void add(String field, String message, int line, int column) {
        errors.add(new FieldError(field, message, line, column));
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public List<FieldError> list() {
        return List.copyOf(errors);
    }

    /** Throws the invalid-request problem naming every collected field, if there is any. */
    public void throwIfAny() {
        if (!errors.isEmpty()) throw toProblem();
    }

    /** The invalid-request problem naming every collected field (there must be one). */
    public Problem toProblem() {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " invalid fields, first " + errors.get(0).field() + ": " + errors.get(0).message();
        return new Problem(Problem.Kind.INVALID, detail, errors);
    }
}

package herald.usecase;

import herald.problem.FieldError;
import herald.problem.FieldErrors;
import herald.problem.Problem;
import herald.store.StoreException;

/** Problems of a part of a document, re-filed under the part's place in it. */
final class Problems {
    private Problems() {}

    /** {@code e}'s field errors under {@code at} (e.g. {@code services[2].url}); {@code e} itself when it names none. */
    static Problem nested(Problem e, String at) {
        if (e.errors().isEmpty()) return e;
        FieldErrors nested = new FieldErrors();
        addNested(nested, e, at);
        return nested.toProblem();
    }

    /** Runs a write that gives a document its name: a name taken already is the client's mistake (409), not a server error. */
    static void uniqueName(String what, Runnable write) {
        try {
            write.run();
        } catch (StoreException e) {
            if (e.isUniqueViolation()) throw Problem.conflict("name", "a " + what + " with this name already exists");
            throw e;
        }
    }

    static void addNested(FieldErrors into, Problem e, String at) {
        for (FieldError fe : e.errors()) {
            if (fe.line() != null) into.add(at + "." + fe.field(), fe.message(), fe.line(), fe.column());
            else into.add(at + "." + fe.field(), fe.message());
        }
        if (e.errors().isEmpty()) into.add(at, e.getMessage());
    }
}

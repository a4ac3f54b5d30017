package herald.text;

/**
 * Words for people to read (the admin UI, the CLI, the audit log, warnings, errors): counts ("1
 * attempt", "2 attempts"), and what went wrong as its root cause says it.
 */
public final class Words {
    private Words() {}

    /** {@code n} with its noun, singular for one; the plural is the noun + s. */
    public static String count(long n, String one) {
        return count(n, one, one + "s");
    }

    /** {@code n}, grouped by thousands, with {@code one} when it is 1, else {@code many}. */
    public static String count(long n, String one, String many) {
        return String.format("%,d", n) + " " + (n == 1 ? one : many);
    }

    /** The cause at the bottom of {@code t}'s chain (a driver's or socket's own exception, under the wrappers). */
    public static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root;
    }

    /** The root cause's message, or its class's name when it has none. */
    public static String rootMessage(Throwable t) {
        Throwable root = rootCause(t);
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}

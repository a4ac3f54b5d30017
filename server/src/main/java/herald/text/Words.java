package herald.text;

/** Counts in words for people to read (the admin UI, the CLI, the audit log, warnings): "1 attempt", "2 attempts". */
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
}

package herald.subscription;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which event names a subscription wants: exact names, {@code *} patterns, or {@code "*"} for all.
 * A pattern is matched without backtracking: its literal pieces are found in order, each at its
 * leftmost place, which is right for {@code *} alone and takes time linear in the name (a regular
 * expression's {@code .*} backtracks exponentially in the number of stars).
 */
public final class EventSelector {
    /** Most {@code *} in one pattern. */
    public static final int MAX_STARS = 16;

    private final boolean all;
    private final Set<String> exact = new HashSet<>();
    private final List<String[]> patterns = new ArrayList<>();

    public EventSelector(List<String> selectors) {
        boolean any = false;
        for (String s : selectors) {
            if (s.equals("*")) {
                any = true;
            } else if (s.indexOf('*') >= 0) {
                patterns.add(s.split("\\*", -1));
            } else {
                exact.add(s);
            }
        }
        this.all = any;
    }

    public boolean matches(String eventName) {
        if (all || exact.contains(eventName)) return true;
        for (String[] p : patterns) {
            if (glob(p, eventName)) return true;
        }
        return false;
    }

    /** {@code pieces}: the pattern split at its stars (so at least two). */
    static boolean glob(String[] pieces, String name) {
        String first = pieces[0];
        String last = pieces[pieces.length - 1];
        if (name.length() < first.length() + last.length()) return false;
        if (!name.startsWith(first) || !name.endsWith(last)) return false;
        int at = first.length();
        int end = name.length() - last.length();
        for (int i = 1; i < pieces.length - 1; i++) {
            int found = name.indexOf(pieces[i], at);
            if (found < 0 || found + pieces[i].length() > end) return false;
            at = found + pieces[i].length();
        }
        return true;
    }

    /** Null when {@code selector} may be saved, otherwise why not. */
    public static String problem(String selector) {
        long stars = selector.chars().filter(c -> c == '*').count();
        if (stars > MAX_STARS) return "may hold at most " + MAX_STARS + " '*'";
        return null;
    }
}

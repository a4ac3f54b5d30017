package herald.subscription;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Which event names a subscription wants: exact names, {@code *} patterns, or {@code "*"} for all. */
public final class EventSelector {
    private final boolean all;
    private final Set<String> exact = new HashSet<>();
    private final List<Pattern> patterns = new ArrayList<>();

    public EventSelector(List<String> selectors) {
        boolean any = false;
        for (String s : selectors) {
            if (s.equals("*")) {
                any = true;
            } else if (s.indexOf('*') >= 0) {
                StringBuilder re = new StringBuilder();
                for (String part : s.split("\\*", -1)) {
                    if (!re.isEmpty()) re.append(".*");
                    re.append(Pattern.quote(part));
                }
                patterns.add(Pattern.compile(re.toString()));
            } else {
                exact.add(s);
            }
        }
        this.all = any;
    }

    public boolean matches(String eventName) {
        if (all || exact.contains(eventName)) return true;
        for (Pattern p : patterns) {
            if (p.matcher(eventName).matches()) return true;
        }
        return false;
    }
}

package herald.audit;

/**
 * Who made a change, as the audit log records it: a signed-in user of the admin UI, an API key,
 * or the command line (run by an operator on the machine).
 */
public record Actor(Kind kind, String id, String name) {
    public enum Kind {
        USER, API_KEY, CLI;

        public String wire() {
            return name().toLowerCase();
        }

        public static Kind fromWire(String s) {
            return valueOf(s.toUpperCase());
        }
    }

    public static Actor user(String id, String username) {
        return new Actor(Kind.USER, id, username);
    }

    public static Actor apiKey(String id, String keyName) {
        return new Actor(Kind.API_KEY, id, keyName);
    }

    /** The command line, named after the operating-system user who ran it. */
    public static Actor cli() {
        return new Actor(Kind.CLI, null, System.getProperty("user.name", "unknown"));
    }

    /** How a person reads it: "user alice", "API key deploy", "CLI root". */
    public String label() {
        return switch (kind) {
            case USER -> "user " + name;
            case API_KEY -> "API key " + name;
            case CLI -> "CLI " + name;
        };
    }
}

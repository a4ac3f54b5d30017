package herald.access;

/**
 * What a user of the admin UI may do: {@code admin} everything; {@code operator} run deliveries
 * (retry, replay, delete a delivery, pause and resume, reset a breaker, send a test event, use
 * the request inspector) but change no configuration and no users; {@code viewer} only look.
 */
public enum Role {
    ADMIN, OPERATOR, VIEWER;

    public String wire() {
        return name().toLowerCase();
    }

    public static Role fromWire(String s) {
        return switch (s == null ? "" : s) {
            case "admin" -> ADMIN;
            case "operator" -> OPERATOR;
            case "viewer" -> VIEWER;
            default -> throw new IllegalArgumentException("unknown role '" + s + "'");
        };
    }

    /** Whether this role includes what {@code needed} may do (admin ⊃ operator ⊃ viewer). */
    public boolean includes(Role needed) {
        return ordinal() <= needed.ordinal();
    }
}

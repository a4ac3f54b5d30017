package herald.access;

/** What an API key may do: {@code admin} everything, {@code ingest} only POST /api/v1/events, {@code read} only GET. */
public enum Scope {
    ADMIN, INGEST, READ;

    public String wire() {
        return name().toLowerCase();
    }

    public static Scope fromWire(String s) {
        return switch (s) {
            case "admin" -> ADMIN;
            case "ingest" -> INGEST;
            case "read" -> READ;
            default -> throw new IllegalArgumentException("unknown scope '" + s + "'");
        };
    }
}

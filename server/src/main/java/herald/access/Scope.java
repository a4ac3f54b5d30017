package herald.access;

/**
 * What an API key may do: {@code admin} everything, {@code ingest} only POST /api/v1/events,
 * {@code read} only look, {@code metrics} only read {@code /metrics} (for Prometheus).
 */
public enum Scope {
    ADMIN, INGEST, READ, METRICS;

    public String wire() {
        return name().toLowerCase();
    }

    public static Scope fromWire(String s) {
        return switch (s) {
            case "admin" -> ADMIN;
            case "ingest" -> INGEST;
            case "read" -> READ;
            case "metrics" -> METRICS;
            default -> throw new IllegalArgumentException("unknown scope '" + s + "'");
        };
    }
}

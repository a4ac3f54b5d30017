package herald.access;

/**
 * What an API key may do: {@code admin} everything, {@code ingest} only POST /api/v1/events,
 * {@code read} only look, {@code metrics} only read {@code /metrics} (for Prometheus), {@code gateway}
 * only call services through the gateway ({@code POST /api/v1/services/{name}/requests}, for LMS code).
 */
public enum Scope {
    ADMIN, INGEST, READ, METRICS, GATEWAY;

    public String wire() {
        return name().toLowerCase();
    }

    public static Scope fromWire(String s) {
        return switch (s) {
            case "admin" -> ADMIN;
            case "ingest" -> INGEST;
            case "read" -> READ;
            case "metrics" -> METRICS;
            case "gateway" -> GATEWAY;
            default -> throw new IllegalArgumentException("unknown scope '" + s + "'");
        };
    }
}

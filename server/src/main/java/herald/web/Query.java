package herald.web;

import herald.problem.Problem;
import io.javalin.http.Context;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Reading the search forms' query parameters. */
final class Query {
    private Query() {}

    static String text(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** A time from a {@code datetime-local} input, read as UTC (the pages show UTC), or an RFC 3339 time. */
    static Long time(Context ctx, String name) {
        String v = text(ctx, name);
        if (v == null) return null;
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return java.time.Instant.parse(v).toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw Problem.invalid(name, "must be a date and time such as 2026-12-06T09:30");
            }
        }
    }

    static Long seq(Context ctx, String name) {
        String v = text(ctx, name);
        if (v == null) return null;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw Problem.invalid(name, "is not a position this list gave");
        }
    }

    /** The query string without one parameter (for "next page" links that set it again). */
    static String without(Context ctx, String name) {
        StringBuilder b = new StringBuilder();
        ctx.queryParamMap().forEach((k, values) -> {
            if (k.equals(name)) return;
            for (String v : values) b.append(b.isEmpty() ? "" : "&").append(Fmt.url(k)).append('=').append(Fmt.url(v));
        });
        return b.toString();
    }
}

package herald.json;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * Times as clients write them: RFC 3339 ({@code 2026-01-31T12:00:00Z}, any offset, fractions of a
 * second), and Python's {@code str(datetime)} form that Open edX sends ({@code 2026-01-31
 * 12:00:00.123456+00:00}). Years outside 0001–9999 are refused: they are typing mistakes or
 * attacks, and past a few hundred million years they overflow epoch milliseconds.
 */
public final class Times {
    /** What a field error says when a time cannot be read. */
    public static final String EXPECTED = "must be an RFC 3339 time such as 2026-01-31T12:00:00Z";

    private static final DateTimeFormatter PYTHON = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ').append(DateTimeFormatter.ISO_LOCAL_TIME)
            .appendOffset("+HH:MM", "+00:00").toFormatter();

    private Times() {}

    /** Epoch milliseconds of {@code text}; throws {@link DateTimeParseException} with the reason otherwise. */
    public static long epochMillis(String text) {
        OffsetDateTime t;
        if (text.length() > 64) throw new DateTimeParseException("too long", text.substring(0, 64), 64);
        try {
            t = OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            t = OffsetDateTime.parse(text, PYTHON);
        }
        int year = t.get(ChronoField.YEAR);
        if (year < 1 || year > 9999) throw new DateTimeParseException("the year must be from 0001 to 9999", text, 0);
        return t.toInstant().toEpochMilli();
    }

    /** Epoch milliseconds of {@code text}, or null when it cannot be read or is out of range. */
    public static Long epochMillisOrNull(String text) {
        try {
            return epochMillis(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

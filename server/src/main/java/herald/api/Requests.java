package herald.api;

import herald.ids.Ids;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import herald.json.Json;
import herald.json.TreeBudget;
import herald.json.Times;
import herald.problem.Problem;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/** Reading requests the same way everywhere: bounded JSON bodies, paging, typed query parameters. */
public final class Requests {
    private Requests() {}

    /** The request body as JSON, refusing bodies over {@code maxBytes} (413) and malformed JSON (400). */
    public static JsonNode jsonBody(Context ctx, long maxBytes) {
        checkDeclaredLength(ctx.header("Content-Length"), maxBytes);
        // The content type is not checked: LMS plugins send JSON under a form header, and the body decides.
        BoundedBody body = new BoundedBody(maxBytes);
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) body.append(ByteBuffer.wrap(buf, 0, n));
        } catch (IOException e) {
            throw unreadable(e);
        }
        return parseJson(body.bytes(), charge(ctx));
    }

    /** Where a request's {@link TreeBudget.Charge} is kept from its first handler to its last. */
    static final String TREES = "herald.trees";

    /** The request's charge for the trees parsed from its body (see {@link ApiServer}). */
    public static TreeBudget.Charge charge(Context ctx) {
        TreeBudget.Charge charge = ctx.attribute(TREES);
        return charge == null ? TreeBudget.Charge.NONE : charge;
    }

    /**
     * Refuses a declared {@code Content-Length} (the header's value, or null) over {@code maxBytes}
     * before any of the body is read.
     */
    public static void checkDeclaredLength(String contentLength, long maxBytes) {
        if (contentLength == null) return;
        try {
            if (Long.parseLong(contentLength.trim()) > maxBytes) throw tooLarge(maxBytes);
        } catch (NumberFormatException e) {
            throw new Problem(Problem.Kind.INVALID, "Content-Length is not a number");
        }
    }

    /**
     * A request body collected as it arrives, refused (413) as soon as it passes the limit: chunked
     * bodies have no Content-Length to check up front. Blocking and asynchronous readers both feed one.
     */
    public static final class BoundedBody {
        private final long maxBytes;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public BoundedBody(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        public void append(ByteBuffer chunk) {
            int n = chunk.remaining();
            if ((long) out.size() + n > maxBytes) throw tooLarge(maxBytes);
            if (chunk.hasArray()) {
                out.write(chunk.array(), chunk.arrayOffset() + chunk.position(), n);
            } else {
                byte[] copy = new byte[n];
                chunk.duplicate().get(copy);
                out.write(copy, 0, n);
            }
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }

    /**
     * A whole request body as JSON, its tree weighed against the request's {@code charge} (a 503 or
     * 413 past the budget): an empty body or malformed JSON is a 400 naming line and column.
     */
    public static JsonNode parseJson(byte[] body, TreeBudget.Charge charge) {
        if (body.length == 0) throw Problem.invalid("body", "a JSON body is required");
        int overlong = overlongAt(body);
        if (overlong >= 0) throw Problem.invalid("body", "is not valid UTF-8: an overlong form at byte " + overlong);
        JsonNode tree;
        try {
            tree = Json.readTree(body, charge);
        } catch (JsonParseException | MismatchedInputException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw Problem.invalid("body", "malformed JSON" + where + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw Problem.invalid("body", "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw Problem.invalid("body", "unreadable body: " + e.getMessage());
        }
        Json.Unstorable bad = Json.unstorable(tree, body.length);
        if (bad != null) throw Problem.invalid(bad.path(), bad.reason());
        return tree;
    }

    /**
     * Where UTF-8's overlong forms begin ({@code C0 AF}, a second spelling of '/'), or -1. RFC 3629
     * forbids them and Jackson decodes them; its other checks of UTF-8 refuse the rest.
     */
    static int overlongAt(byte[] b) {
        int i = 0;
        while (i < b.length) {
            // Eight ASCII bytes at a time: a byte at a time was a third of Jackson's parse of a batch.
            if (i + 8 <= b.length && ((long) LONGS.get(b, i) & 0x8080808080808080L) == 0) {
                i += 8;
                continue;
            }
            int x = b[i] & 0xff;
            if (x >= 0xC0) {
                if (x <= 0xC1) return i;
                if ((x == 0xE0 || x == 0xF0) && i + 1 < b.length) {
                    int y = b[i + 1] & 0xff;
                    if (x == 0xE0 ? y < 0xA0 : y < 0x90) return i;
                }
            }
            i++;
        }
        return -1;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** The body could not be read (the client went away or stalled). */
    public static Problem unreadable(Throwable cause) {
        return new Problem(Problem.Kind.INVALID, "could not read the request body: " + cause.getMessage());
    }

    private static Problem tooLarge(long maxBytes) {
        return Problem.tooLarge("body", "must be at most " + maxBytes + " bytes",
                "the body is larger than the limit of " + maxBytes + " bytes");
    }

    /** {@code limit} query parameter: 1..500, default 50. */
    /** A true/false query parameter (absent: false); anything else is a 400 naming it. */
    public static boolean flag(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.equals("false")) return false;
        if (v.equals("true")) return true;
        throw Problem.invalid(name, "must be true or false");
    }

    public static int limit(Context ctx) {
        return limit(ctx, 50);
    }

    /** {@code limit} of a list whose page without it is {@code absent} long (a short list that was one page). */
    public static int limit(Context ctx, int absent) {
        String raw = ctx.queryParam("limit");
        if (raw == null) return absent;
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= 500) return n;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw Problem.invalid("limit", "must be a whole number from 1 to 500");
    }

    /**
     * The decoded {@code cursor} query parameter, or null. Cursors are opaque to clients, and one
     * Herald did not make is a 400: every key it pages by is an id or a number (ids restored from a
     * backup included), written as {@link #encodeCursor} writes it.
     */
    public static String cursor(Context ctx) {
        String raw = ctx.queryParam("cursor");
        if (raw == null || raw.isEmpty()) return null;
        String key;
        try {
            key = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw notACursor();
        }
        if (!Ids.ANY.matcher(key).matches() || !encodeCursor(key).equals(raw)) throw notACursor();
        return key;
    }

    /** The cursor of a list paged by a number (a sequence), or null; any other is refused. */
    public static Long numberCursor(Context ctx) {
        String key = cursor(ctx);
        try {
            return key == null ? null : Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw notACursor();
        }
    }

    /** For a list of one page: it gives no cursor, so any cursor is one it did not make. */
    public static void noCursor(Context ctx) {
        String raw = ctx.queryParam("cursor");
        if (raw != null && !raw.isEmpty()) throw notACursor();
    }

    /** The refusal of a cursor, also for one whose key does not parse as the list's kind. */
    public static Problem notACursor() {
        return Problem.invalid("cursor", "is not a cursor this API returned");
    }


    public static String encodeCursor(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** An RFC 3339 time query parameter as epoch millis, or null. */
    public static Long time(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) return null;
        try {
            return Times.epochMillis(raw);
        } catch (DateTimeParseException e) {
            throw Problem.invalid(name, Times.EXPECTED);
        }
    }

    public static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}

package herald.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safe reader of PHP {@code serialize()} output, for Moodle's log column {@code other}: arrays,
 * strings, ints, floats, booleans and null become JSON. Objects, references and custom
 * serialization are refused, never instantiated. String lengths are byte counts of the UTF-8 text,
 * as PHP writes them. An array whose keys are 0..n-1 in order becomes a JSON array, any other a JSON
 * object, as PHP's {@code json_encode} would give it.
 */
public final class PhpUnserialize {
    private static final int MAX_DEPTH = 64;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The input is not serialized PHP data this reader accepts. */
    public static final class Invalid extends Exception {
        Invalid(String message, int at) {
            super(message + " at byte " + at);
        }
    }

    private final byte[] in;
    private final boolean plainObjects;
    private int pos;

    private PhpUnserialize(byte[] in, boolean plainObjects) {
        this.in = in;
        this.plainObjects = plainObjects;
    }

    public static JsonNode parse(String text) throws Invalid {
        return parse(text, false);
    }

    /**
     * As {@link #parse(String)}, and {@code stdClass} objects ({@code O:8:"stdClass":n:{...}}) are
     * read as JSON objects of their public properties when {@code plainObjects}: database records
     * serialized by Moodle are such objects. Nothing is instantiated, and any other class is refused.
     */
    public static JsonNode parse(String text, boolean plainObjects) throws Invalid {
        PhpUnserialize p = new PhpUnserialize(text.getBytes(StandardCharsets.UTF_8), plainObjects);
        JsonNode v = p.value(0);
        if (p.pos != p.in.length) throw new Invalid("trailing data", p.pos);
        return v;
    }

    private JsonNode value(int depth) throws Invalid {
        if (depth > MAX_DEPTH) throw new Invalid("nested deeper than " + MAX_DEPTH, pos);
        char type = (char) next();
        switch (type) {
            case 'N' -> {
                expect(';');
                return NODES.nullNode();
            }
            case 'b' -> {
                expect(':');
                long b = integer(';');
                if (b != 0 && b != 1) throw new Invalid("boolean must be 0 or 1", pos);
                return NODES.booleanNode(b == 1);
            }
            case 'i' -> {
                expect(':');
                long v = integer(';');
                return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v); // as Jackson reads JSON
            }
            case 'd' -> {
                expect(':');
                return decimal();
            }
            case 's' -> {
                expect(':');
                String s = string();
                expect(';');
                return NODES.textNode(s);
            }
            case 'a' -> {
                expect(':');
                return array(depth);
            }
            case 'O' -> {
                if (!plainObjects) throw new Invalid("objects are not read (never instantiated)", pos - 1);
                expect(':');
                int at = pos;
                String cls = string();
                if (!cls.equals("stdClass")) throw new Invalid("object of class " + cls + " refused (only stdClass is read)", at);
                expect(':');
                return properties(depth);
            }
            case 'C', 'E' -> throw new Invalid("objects are not read (never instantiated)", pos - 1);
            case 'r', 'R' -> throw new Invalid("references are not read", pos - 1);
            default -> throw new Invalid("unknown type '" + type + "'", pos - 1);
        }
    }

    private JsonNode array(int depth) throws Invalid {
        long count = integer(':');
        if (count < 0 || count > in.length) throw new Invalid("bad array size " + count, pos);
        expect('{');
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        boolean list = true;
        for (long i = 0; i < count; i++) {
            char kt = (char) next();
            String key;
            if (kt == 'i') {
                expect(':');
                long k = integer(';');
                if (k != i) list = false;
                key = Long.toString(k);
            } else if (kt == 's') {
                expect(':');
                key = string();
                expect(';');
                list = false;
            } else {
                throw new Invalid("array key must be an int or a string", pos - 1);
            }
            entries.put(key, value(depth + 1));
        }
        expect('}');
        if (list) {
            ArrayNode a = NODES.arrayNode();
            entries.values().forEach(a::add);
            return a;
        }
        ObjectNode o = NODES.objectNode();
        entries.forEach(o::set);
        return o;
    }

    /** A stdClass's properties: public ones only (protected and private names start with a NUL). */
    private JsonNode properties(int depth) throws Invalid {
        long count = integer(':');
        if (count < 0 || count > in.length) throw new Invalid("bad property count " + count, pos);
        expect('{');
        ObjectNode o = NODES.objectNode();
        for (long i = 0; i < count; i++) {
            int at = pos;
            if (next() != 's') throw new Invalid("a property name must be a string", at);
            expect(':');
            String name = string();
            expect(';');
            if (name.indexOf('\0') >= 0) throw new Invalid("non-public property refused", at);
            o.set(name, value(depth + 1));
        }
        expect('}');
        return o;
    }

    /** {@code <len>:"<len bytes>"} */
    private String string() throws Invalid {
        long len = integer(':');
        if (len < 0 || pos + 1 + len + 1 > in.length) throw new Invalid("string length " + len + " runs past the end", pos);
        expect('"');
        String s = new String(in, pos, (int) len, StandardCharsets.UTF_8);
        pos += (int) len;
        expect('"');
        return s;
    }

    private long integer(char end) throws Invalid {
        int start = pos;
        if (pos < in.length && (in[pos] == '-' || in[pos] == '+')) pos++;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') pos++;
        String digits = new String(in, start, pos - start, StandardCharsets.US_ASCII);
        expect(end);
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new Invalid("not an integer: '" + digits + "'", start);
        }
    }

    /**
     * PHP writes floats as shortest round-trip decimals (kept exact, as Herald's JSON reader keeps
     * them), or INF, -INF, NAN, which JSON cannot carry: null.
     */
    private JsonNode decimal() throws Invalid {
        int start = pos;
        while (pos < in.length && in[pos] != ';') pos++;
        String text = new String(in, start, pos - start, StandardCharsets.US_ASCII);
        expect(';');
        if (!text.matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?|-?INF|NAN")) {
            throw new Invalid("not a float: '" + text + "'", start);
        }
        if (text.endsWith("INF") || text.equals("NAN")) return NODES.nullNode();
        return NODES.numberNode(new java.math.BigDecimal(text));
    }

    private int next() throws Invalid {
        if (pos >= in.length) throw new Invalid("unexpected end", pos);
        return in[pos++] & 0xFF;
    }

    private void expect(char c) throws Invalid {
        if (pos >= in.length || in[pos] != c) throw new Invalid("expected '" + c + "'", pos);
        pos++;
    }
}

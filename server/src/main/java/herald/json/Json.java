package herald.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** The one configured Jackson mapper: strict on input (no duplicate keys, no trailing tokens). */
public final class Json {
    /** How deep documents may nest: far beyond any event or configuration, well within every recursive reader's stack. */
    public static final int MAX_DEPTH = 64;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    // Requests and sends each run on a new virtual thread, so Jackson's default per-thread
                    // buffers were allocated afresh for every one (a parse and two writes: 5.4 µs, 3.0 µs
                    // shared). Shared, and bounded: at most 100 sets of buffers are kept.
                    .recyclerPool(JsonRecyclerPools.sharedBoundedPool())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // Decimals as the client wrote them (100.0 stays 100.0, not 1E+2).
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            // 1e2 and 100.0 arrive as decimals: written "100" and "100.0", never "1E+2", which PHP and
            // Python read as a float and Go refuses for an int (exponents are bounded on the way in).
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass(), e);
        }
    }

    /**
     * {@code fields} as a JSON object, as {@link #write} writes a map, written by hand with Jackson's
     * string encoder: the mapper's map serializer (key serializers looked up per entry), and after it
     * a streaming writer created per call, were most of an attempt's header log.
     */
    public static String writeStrings(Map<String, String> fields) {
        var out = new StringBuilder(32 * fields.size() + 2).append('{');
        for (var f : fields.entrySet()) {
            if (out.length() > 1) out.append(',');
            quoted(out, f.getKey()).append(':');
            if (f.getValue() == null) out.append("null");
            else quoted(out, f.getValue());
        }
        return out.append('}').toString();
    }

    /** {@code text} as a JSON string, escaped as the mapper escapes it (the same encoder's table). */
    private static StringBuilder quoted(StringBuilder out, String text) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return out.append('"');
    }

    /** A value of a parsed document that Herald will not store, and why. */
    public record Unstorable(String path, String reason) {}

    /** The largest exponent a number may have: 1e999999999 is valid JSON, but writing it out plainly is a gigabyte. */
    public static final int MAX_EXPONENT = 400;
    /**
     * How much longer a document's numbers may grow when written out in full (see the mapper): 1e399
     * is 5 bytes sent and 400 stored. Bounded by the size of the text they came in, and at least
     * this: the stored form is then at most about twice what was sent, as a document of plain
     * values is. Numbers as data has them (1e10, 2.5e-3) add a few bytes each.
     */
    public static final int MIN_NUMBER_GROWTH = 64 * 1024;

    /**
     * The first value in {@code root} that cannot be stored and rendered faithfully: a string (or
     * field name) holding an unpaired UTF-16 surrogate ({@code "\ud800"} in JSON), which becomes
     * {@code ?} on the way to UTF-8 so that two different ids would collide; a NUL, which
     * PostgreSQL refuses; a number whose exponent is beyond {@link #MAX_EXPONENT}, or the number
     * whose full writing takes the document's numbers past {@code sourceBytes} (the size of the
     * text it was read from) or {@link #MIN_NUMBER_GROWTH}, the larger. Null when all is well.
     */
    public static Unstorable unstorable(JsonNode root, long sourceBytes) {
        StringBuilder at = new StringBuilder();
        String reason = unstorable(root, at, new long[] {0, Math.max(MIN_NUMBER_GROWTH, sourceBytes)});
        return reason == null ? null : new Unstorable(at.isEmpty() ? "body" : at.toString(), reason);
    }

    /**
     * Why {@code n} cannot be stored, with {@code at} left at the path of what failed; null when all
     * is well. The path is written only on the way down into containers and to what failed: every
     * ingested event is checked, and building each value's path cost more than the check.
     * {@code grown}: what the numbers so far add when written out in full, and how much they may.
     */
    private static String unstorable(JsonNode n, StringBuilder at, long[] grown) {
        if (n.isTextual()) return storable(n.textValue()) ? null : "must not hold NUL characters or unpaired UTF-16 surrogates";
        if (n.isBigDecimal()) {
            java.math.BigDecimal d = n.decimalValue();
            long precision = d.precision(), scale = d.scale();
            if (Math.abs(precision - scale - 1) > MAX_EXPONENT) {
                return "is a number out of range (exponent beyond \u00b1" + MAX_EXPONENT + ")";
            }
            // Written out: the digits, and the zeros an exponent stood for (before the digits or after them).
            long plain = scale <= 0 ? precision - scale : Math.max(precision + 1, scale + 2);
            grown[0] += Math.max(0, plain - precision - 1);
            if (grown[0] > grown[1]) {
                return "is a number whose exponent stands for many zeros, and with the numbers before it the document written"
                        + " out in full would grow by more than " + grown[1] / 1024 + " KiB (its own size, or 64 KiB)";
            }
        }
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                JsonNode v = n.get(i);
                if (!mayFail(v)) continue;
                int len = at.length();
                at.append('[').append(i).append(']');
                String bad = unstorable(v, at, grown);
                if (bad != null) return bad;
                at.setLength(len);
            }
        } else if (n.isObject()) {
            for (var e : n.properties()) {
                if (!storable(e.getKey())) return "must not have field names with NUL characters or unpaired UTF-16 surrogates";
                JsonNode v = e.getValue();
                if (!mayFail(v)) continue;
                int len = at.length();
                if (len > 0) at.append('.');
                at.append(e.getKey());
                String bad = unstorable(v, at, grown);
                if (bad != null) return bad;
                at.setLength(len);
            }
        }
        return null;
    }

    /** Whether {@link #unstorable} can find anything in {@code n}: text, big numbers and containers. */
    private static boolean mayFail(JsonNode n) {
        return n.isContainerNode() || n.isTextual() || n.isBigDecimal();
    }

    /** Whether {@code s} is well-formed UTF-16 without NUL. */
    public static boolean storable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) return false;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) return false;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A request body's tree, weighed against {@code charge} as it is made: {@link TreeBudget.Exceeded}
     * when it would pass the budget (Jackson's own errors otherwise, as {@code MAPPER.readTree}).
     */
    public static JsonNode readTree(byte[] body, TreeBudget.Charge charge) throws java.io.IOException {
        if (charge == TreeBudget.Charge.NONE) return MAPPER.readTree(body);
        charge.add(body.length);
        try {
            JsonNode tree = MAPPER.reader().with(charge.factory()).readTree(body);
            charge.flush();
            return tree;
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            if (e.getCause() instanceof TreeBudget.Exceeded exceeded) throw exceeded;
            throw e;
        }
    }

    /** {@link #read(String)} of a request's body, weighed against {@code charge} (see {@link #readTree(byte[], TreeBudget.Charge)}). */
    public static JsonNode read(byte[] body, TreeBudget.Charge charge) {
        try {
            return readTree(body, charge);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
    }

    public static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
        }
    }
}

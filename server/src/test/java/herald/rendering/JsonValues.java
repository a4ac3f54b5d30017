package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import herald.json.Json;
import java.math.BigDecimal;
import java.util.Comparator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Arbitrary JSON values for property tests, and equality that compares numbers by value. */
final class JsonValues {
    private JsonValues() {}

    static Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange('\u0000', '\u00ff').withCharRange('\u0100', '\ud7ff')
                .withCharRange('\ue000', '\ufffd').ofMaxLength(12);
    }

    /** Keys PHP keeps as they are: a letter first (digits would make PHP list keys), no dots or spaces. */
    static Arbitrary<String> phpKeys() {
        return Arbitraries.strings().withCharRange('a', 'z').ofLength(1)
                .flatMap(first -> Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('_').ofMaxLength(6)
                        .map(rest -> first + rest));
    }

    static Arbitrary<JsonNode> scalars() {
        return scalars(text().map(TextNode::valueOf));
    }

    /** Scalars whose strings come from {@code strings}. */
    static Arbitrary<JsonNode> scalars(Arbitrary<JsonNode> strings) {
        return Arbitraries.oneOf(
                strings,
                Arbitraries.longs().map(LongNode::valueOf),
                Arbitraries.bigDecimals().between(new BigDecimal("-1e9"), new BigDecimal("1e9")).ofScale(4)
                        .map(d -> (JsonNode) DecimalNode.valueOf(d)),
                Arbitraries.of(true, false).map(BooleanNode::valueOf),
                Arbitraries.just(NullNode.instance));
    }

    static Arbitrary<JsonNode> values(int depth, Arbitrary<String> keys) {
        return values(depth, keys, text().map(TextNode::valueOf));
    }

    static Arbitrary<JsonNode> values(int depth, Arbitrary<String> keys, Arbitrary<JsonNode> strings) {
        if (depth == 0) return scalars(strings);
        Arbitrary<JsonNode> inner = values(depth - 1, keys, strings);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, scalars(strings)),
                net.jqwik.api.Tuple.of(1, inner.list().ofMaxSize(4).map(items -> {
                    ArrayNode a = Json.MAPPER.createArrayNode();
                    items.forEach(a::add);
                    return (JsonNode) a;
                })),
                net.jqwik.api.Tuple.of(2, objects(inner, keys)));
    }

    static Arbitrary<JsonNode> objects(Arbitrary<JsonNode> members, Arbitrary<String> keys) {
        return Arbitraries.maps(keys, members).ofMaxSize(5).map(m -> {
            ObjectNode o = Json.object();
            m.forEach(o::set);
            return (JsonNode) o;
        });
    }

    /**
     * A PHP array as json_encode writes it: a list when its keys run 0..n-1 in order, else an object;
     * null (nothing) when it is empty and {@code emptyIsNull}.
     */
    static JsonNode phpArray(java.util.Map<String, JsonNode> entries, boolean emptyIsNull) {
        if (entries.isEmpty() && emptyIsNull) return null;
        int i = 0;
        boolean list = true;
        for (String k : entries.keySet()) list &= k.equals(Integer.toString(i++));
        if (list) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            entries.values().forEach(a::add);
            return a;
        }
        ObjectNode o = Json.object();
        entries.forEach(o::set);
        return o;
    }

    /** Structural equality where 1.50 equals 1.5 (JSON says nothing about a number's scale). */
    static boolean sameValue(JsonNode a, JsonNode b) {
        Comparator<JsonNode> numbers = (x, y) -> {
            if (x.isNumber() && y.isNumber()) return new BigDecimal(x.asText()).compareTo(new BigDecimal(y.asText()));
            return x.equals(y) ? 0 : 1;
        };
        return a.equals(numbers, b);
    }
}

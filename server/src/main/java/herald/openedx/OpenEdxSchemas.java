package herald.openedx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.NameValidator;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * The Avro schemas of Open edX's public signals (openedx-events 11.2.0, shipped in
 * {@code openedx/schemas/}), and decoding of the event bus's {@code event_data}: one record of the
 * type's schema, schemaless (no container, no schema id), written by fastavro with that same schema.
 */
public final class OpenEdxSchemas {
    /** What an event type's data is: its schema, the name of its one top field and that field's record class. */
    public record Type(String name, Schema schema, String topField, String dataClass) {}

    /** A message that cannot become an event, with the reason. */
    public static final class Undecodable extends Exception {
        Undecodable(String message) {
            super(message);
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * The schemas, parsed when first needed (an Open edX message, hook or erasure) and once per
     * process, by the JVM's initialisation of this holder: parsing the 72 schemas was a seventh of
     * a start's main thread (13 of 91 samples) on every start, Open edX or not.
     */
    private static final class Parsed {
        static final Map<String, Type> TYPES = parseAll();
    }

    private static Map<String, Type> parseAll() {
        Map<String, Type> out = new LinkedHashMap<>();
        for (String file : read("index.txt").split("\n")) {
            if (file.isBlank()) continue;
            // one namespace has a '-' (…redemption-reversed.v1), which Avro's default name check refuses
            Schema schema = new Schema.Parser(NameValidator.NO_VALIDATION).parse(read(file.strip()));
            Schema.Field top = schema.getFields().get(0);
            Schema record = nonNull(top.schema());
            out.put(schema.getNamespace(), new Type(schema.getNamespace(), schema, top.name(),
                    record.getType() == Schema.Type.RECORD ? record.getName() : null));
        }
        return Collections.unmodifiableMap(out);
    }

    public Optional<Type> type(String name) {
        return Optional.ofNullable(Parsed.TYPES.get(name));
    }

    public Collection<Type> all() {
        return Parsed.TYPES.values();
    }

    /** The event's {@code data}: the decoded record as JSON, fields in schema order. */
    public ObjectNode decode(String typeName, byte[] eventData) throws Undecodable {
        Type t = Parsed.TYPES.get(typeName);
        if (t == null) throw new Undecodable("unknown event type '" + typeName + "' (this Herald knows the 72 types of openedx-events 11.2)");
        try {
            BinaryDecoder in = DecoderFactory.get().binaryDecoder(eventData, null);
            GenericRecord record = new GenericDatumReader<GenericRecord>(t.schema()).read(null, in);
            if (!in.isEnd()) throw new Undecodable("event_data has bytes after the " + typeName + " record");
            return (ObjectNode) json(record);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | ClassCastException e) {
            throw new Undecodable("event_data is not a " + typeName + " record (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    static JsonNode json(Object v) {
        if (v == null) return NODES.nullNode();
        if (v instanceof GenericRecord r) {
            ObjectNode o = NODES.objectNode();
            for (Schema.Field f : r.getSchema().getFields()) o.set(f.name(), json(r.get(f.pos())));
            return o;
        }
        if (v instanceof CharSequence s) return NODES.textNode(s.toString());
        if (v instanceof Long n) return NODES.numberNode(n);
        if (v instanceof Integer n) return NODES.numberNode(n);
        if (v instanceof Double n) return NODES.numberNode(n);
        if (v instanceof Float n) return NODES.numberNode(n);
        if (v instanceof Boolean b) return NODES.booleanNode(b);
        if (v instanceof ByteBuffer b) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (v instanceof GenericFixed f) return NODES.textNode(Base64.getEncoder().encodeToString(f.bytes()));
        if (v instanceof GenericEnumSymbol<?> e) return NODES.textNode(e.toString());
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = NODES.objectNode();
            m.forEach((k, val) -> o.set(k.toString(), json(val)));
            return o;
        }
        if (v instanceof List<?> l) {
            ArrayNode a = NODES.arrayNode();
            l.forEach(item -> a.add(json(item)));
            return a;
        }
        return NODES.textNode(v.toString());
    }

    /** The type of an optional field ({@code ["null", T]}), or the type itself. */
    public static Schema nonNull(Schema s) {
        if (s.getType() != Schema.Type.UNION) return s;
        for (Schema branch : s.getTypes()) if (branch.getType() != Schema.Type.NULL) return branch;
        return s;
    }

    private static String read(String name) {
        try (InputStream in = OpenEdxSchemas.class.getResourceAsStream("/openedx/schemas/" + name)) {
            if (in == null) throw new IllegalStateException("missing resource openedx/schemas/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package herald.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A sample event for each catalog event type ({@code catalog/samples.json}): real Moodle 4.3 log
 * rows with the rows they name (or {@code record: false} when it was deleted), and Open edX
 * events shaped as the signals send them. Previews render against them.
 */
public final class SampleEvents {
    private final Map<String, ObjectNode> byType;

    public SampleEvents() {
        try (InputStream in = SampleEvents.class.getResourceAsStream("/catalog/samples.json")) {
            Map<String, ObjectNode> m = new LinkedHashMap<>();
            JsonNode all = Json.MAPPER.readTree(in);
            all.properties().forEach(e -> m.put(e.getKey(), (ObjectNode) e.getValue()));
            byType = java.util.Collections.unmodifiableMap(m);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the catalog's sample events are missing from the jar", e);
        }
    }

    /** A fresh copy of the sample for {@code type}. */
    public Optional<ObjectNode> of(String type) {
        ObjectNode s = byType.get(type);
        return s == null ? Optional.empty() : Optional.of(s.deepCopy());
    }

    public Map<String, ObjectNode> all() {
        return byType;
    }
}

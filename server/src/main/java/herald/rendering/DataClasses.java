package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/** The Open edX data class of each catalog event type ({@code data_class} in catalog/event-types.json). */
final class DataClasses {
    private static final Map<String, String> BY_TYPE = load();

    private DataClasses() {}

    static String of(String type) {
        return BY_TYPE.get(type);
    }

    private static Map<String, String> load() {
        try (InputStream in = DataClasses.class.getResourceAsStream("/catalog/event-types.json")) {
            Map<String, String> out = new HashMap<>();
            for (JsonNode n : Json.MAPPER.readTree(in)) {
                if (n.hasNonNull("data_class")) out.put(n.get("name").asText(), n.get("data_class").asText());
            }
            return Map.copyOf(out);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the built-in event catalog is missing from the jar", e);
        }
    }
}

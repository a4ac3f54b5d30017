package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import herald.json.JsonFields;
import herald.subscription.Service;
import herald.subscription.Subscription;
import java.util.List;

/**
 * One payload format: what a subscription's receiver expects, built from the event, and the rules
 * it sets for the subscriptions that use it. A new format is one class implementing this, listed in
 * {@link Formats#ALL}.
 */
interface Format {

    /** The name subscriptions give in {@code format}. */
    String name();

    Payload render(Input in) throws RenderException;

    /**
     * Checks {@code format_options} (already known to be an object); problems go to {@code options.errors()}.
     * By default a format takes no options.
     */
    default void checkOptions(JsonFields options) {
        if (!options.isEmpty()) options.errors().add(options.name(), "the format '" + name() + "' takes no options");
    }

    /**
     * Whether the format has something to send for an event of {@code type}: a format for learning
     * record stores maps some events only, and its subscriptions are not routed the others.
     */
    default boolean renders(String type, JsonNode body) {
        return true;
    }

    /** Whether the format is for learning record stores (the catalog says which events it maps). */
    default boolean forLearningRecords() {
        return false;
    }

    /** Whether a subscription in this format must have a template. */
    default boolean needsTemplate() {
        return false;
    }

    /** Whether rendering for {@code subscription} reads the event's {@code record}. */
    default boolean needsRecord(Subscription subscription) {
        return false;
    }

    /**
     * What a format gets: the event, the service and subscription, the host and the URL of the site the
     * event came from ("" when unknown), and the most characters a payload may have.
     */
    record Input(EventView event, Service service, Subscription subscription, String siteHost, String siteUrl, int maxChars) {
        JsonNode options() {
            JsonNode o = subscription.formatOptions();
            return o == null ? Json.object() : o;
        }
    }

    /**
     * The payload as a tree (what form encodings flatten) and, for the JSON encoding, how to write
     * it: {@code text} when the format produced the exact bytes itself (templates), otherwise
     * {@code php} chooses PHP's json_encode over Herald's writer. {@code warnings}: what a person
     * previewing it should know (a template's placeholders that found nothing).
     */
    record Payload(JsonNode tree, String text, boolean php, String jsonMediaType, List<String> warnings,
                   java.util.Map<String, String> headers) {
        Payload(JsonNode tree, String text, boolean php, String jsonMediaType, List<String> warnings) {
            this(tree, text, php, jsonMediaType, warnings, java.util.Map.of());
        }

        Payload(JsonNode tree, String text, boolean php, String jsonMediaType) {
            this(tree, text, php, jsonMediaType, List.of());
        }

        static final String JSON_MEDIA_TYPE = "application/json";

        static Payload json(JsonNode tree) {
            return new Payload(tree, null, false, JSON_MEDIA_TYPE);
        }

        static Payload phpJson(JsonNode tree) {
            return new Payload(tree, null, true, JSON_MEDIA_TYPE);
        }

        String jsonText() {
            if (text != null) return text;
            return php ? PhpJson.write(tree) : Json.write(tree);
        }
    }
}

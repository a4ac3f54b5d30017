package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import herald.subscription.Service;
import herald.subscription.Subscription;

/** One payload format: what a subscription's receiver expects, built from the event. */
interface Format {

    Payload render(Input in) throws RenderException;

    /**
     * What a format gets: the event, the service and subscription, the host of the site the event
     * came from ("" when unknown), and the most characters a payload may have.
     */
    record Input(EventView event, Service service, Subscription subscription, String siteHost, int maxChars) {
        JsonNode options() {
            JsonNode o = subscription.formatOptions();
            return o == null ? herald.event.Json.object() : o;
        }
    }

    /**
     * The payload as a tree (what form encodings flatten) and, for the JSON encoding, how to write
     * it: {@code text} when the format produced the exact bytes itself (templates), otherwise
     * {@code php} chooses PHP's json_encode over Herald's writer.
     */
    record Payload(JsonNode tree, String text, boolean php, String jsonMediaType) {
        static Payload json(JsonNode tree) {
            return new Payload(tree, null, false, "application/json");
        }

        static Payload phpJson(JsonNode tree) {
            return new Payload(tree, null, true, "application/json");
        }

        String jsonText() {
            if (text != null) return text;
            return php ? PhpJson.write(tree) : herald.event.Json.write(tree);
        }
    }
}

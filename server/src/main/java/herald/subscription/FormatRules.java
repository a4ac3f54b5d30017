package herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.problem.FieldErrors;
import java.util.List;

/**
 * What a subscription's payload format requires of it, asked by the format itself: its name, what
 * its {@code format_options} and template may hold, and whether it renders the event's
 * {@code record}. Implemented by the rendering layer, where each format is one class.
 */
public interface FormatRules {
    /** Every format's name, as subscriptions give it. */
    List<String> names();

    /** Checks a subscription's template (null when none) for {@code format}, filing problems under {@code template}. */
    void checkTemplate(String format, String template, FieldErrors errors);

    /**
     * Checks a subscription's {@code format_options} for {@code format}, filing problems under
     * {@code format_options…}; returns the options to store (an empty object when none were given).
     */
    ObjectNode checkOptions(String format, JsonNode options, FieldErrors errors);

    /**
     * Whether {@code format} has something to send for an event of {@code type} (xAPI maps some events
     * only); with the subscription's {@code privacy} (null for none) applied, as rendering will.
     */
    boolean renders(String format, String type, JsonNode body, Privacy privacy);

    default boolean renders(String format, String type, JsonNode body) {
        return renders(format, type, body, null);
    }

    /** Whether rendering for {@code subscription} reads the event's {@code record}, so a source should load it. */
    boolean needsRecord(Subscription subscription);
}

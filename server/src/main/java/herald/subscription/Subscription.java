package herald.subscription;

import herald.store.Stored;
import java.util.List;

/**
 * Which events a service receives and in what shape. {@code method} null means the service's
 * method; {@code retry} null means the service's policy; {@code contentType} ("json"|"form") and
 * {@code formStyle} null mean the service's. {@code formatOptions} holds settings of the format
 * (e.g. teachbase's mapping), an empty object when there are none. {@code dedupeWindowS}: events
 * alike (see {@code DeliveryIntake}) within this many seconds make one delivery; 0 for none.
 * {@code privacy}: the event's fields its receiver may not see, or may see only as pseudonyms.
 * {@code orderingKey}: a path into the event (null for none); deliveries whose events have the same
 * value there reach the receiver one at a time, in event order.
 * {@code disabledReason} says why Herald
 * disabled it (a 410 Gone from the receiver); null when enabled or disabled by a person.
 */
public record Subscription(
        String id,
        String serviceId,
        List<String> events,
        EventFilter filter,
        String path,
        String method,
        String format,
        String template,
        boolean enabled,
        RetryPolicy retry,
        long createdAt,
        long updatedAt,
        String contentType,
        String formStyle,
        com.fasterxml.jackson.databind.node.ObjectNode formatOptions,
        String disabledReason,
        int dedupeWindowS,
        Privacy privacy,
        String orderingKey) implements Stored {

    public Subscription withId(String newId, long created, long updated) {
        return new Subscription(newId, serviceId, events, filter, path, method, format, template, enabled, retry, created, updated,
                contentType, formStyle, formatOptions, disabledReason, dedupeWindowS, privacy, orderingKey);
    }

    public Subscription withEnabled(boolean on, long updated) {
        return new Subscription(id, serviceId, events, filter, path, method, format, template, on, retry, createdAt, updated,
                contentType, formStyle, formatOptions, null, dedupeWindowS, privacy, orderingKey);
    }

    /** Disabled by Herald, with the reason shown in the API until someone enables it again. */
    public Subscription disabledBecause(String reason, long updated) {
        return new Subscription(id, serviceId, events, filter, path, method, format, template, false, retry, createdAt,
                updated, contentType, formStyle, formatOptions, reason, dedupeWindowS, privacy, orderingKey);
    }

    /** True when the event named {@code name} with document {@code doc} should be delivered. */
    public boolean matches(EventSelector selector, String name, com.fasterxml.jackson.databind.JsonNode doc) {
        return enabled && selector.matches(name) && filter.matches(doc);
    }
}

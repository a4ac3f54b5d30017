package herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.json.JsonFields;
import herald.net.Urls;
import herald.problem.FieldErrors;
import java.time.Instant;
import java.util.List;

/** The API's JSON form of a {@link Subscription}. */
public final class SubscriptionJson {
    /** The longest dedupe window: a day. */
    public static final int MAX_DEDUPE_WINDOW_S = 86_400;

    private SubscriptionJson() {}

    /**
     * Validates {@code in} into a subscription ({@code existing}: the one it replaces, or null);
     * throws an invalid-request problem naming every bad field. The format's own rules come from {@code formats}.
     */
    public static Subscription parse(JsonNode in, Subscription existing, FormatRules formats) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(in, "", errors);
        f.rejectUnknown("id", "service_id", "events", "filter", "path", "method", "format", "template", "enabled",
                "retry", "created_at", "updated_at", "content_type", "form_style", "format_options", "disabled_reason",
                "dedupe_window_s", "privacy", "ordering_key");
        String serviceId = f.string("service_id", true, 100, null);
        List<String> events = f.strings("events", 200, 255);
        boolean named = errors.list().stream().anyMatch(e -> e.field().startsWith("events")); // of the wrong type: said once
        if (events == null) {
            if (!named) errors.add("events", "is required: event names, patterns with *, or [\"*\"]");
        } else if (events.isEmpty() && !named) {
            errors.add("events", "must name at least one event, pattern, or \"*\"");
        } else {
            for (int i = 0; i < events.size(); i++) {
                String why = EventSelector.problem(events.get(i));
                if (why != null) errors.add("events[" + i + "]", why);
            }
        }
        EventFilter filter = EventFilter.parse(f.object("filter"));
        String path = f.string("path", false, Urls.MAX_PATH, "");
        String pathProblem = Urls.pathProblem(path);
        if (pathProblem != null) errors.add("path", pathProblem);
        String method = f.has("method") ? f.oneOf("method", null, ServiceJson.METHODS.toArray(String[]::new)) : null;
        String format = f.oneOf("format", "event", formats.names().toArray(String[]::new));
        String template = f.string("template", false, 100_000, null);
        formats.checkTemplate(format, template, errors);
        String contentType = f.has("content_type") ? f.oneOf("content_type", null, "json", "form") : null;
        String formStyle = f.has("form_style") ? f.oneOf("form_style", null, "underscore", "brackets") : null;
        ObjectNode formatOptions = formats.checkOptions(format, f.raw("format_options"), errors);
        boolean enabled = f.bool("enabled", true);
        RetryPolicy retry = f.has("retry") ? RetryPolicy.parse(f.object("retry")) : null;
        // Set by Herald only; enabling the subscription clears it.
        String disabledReason = enabled ? null : f.string("disabled_reason", false, 1000, null);
        int dedupeWindowS = f.integer("dedupe_window_s", 0, MAX_DEDUPE_WINDOW_S, 0);
        Privacy privacy = Privacy.parse(f.object("privacy"), errors);
        String orderingKey = f.string("ordering_key", false, Privacy.MAX_PATH_CHARS, null);
        if (orderingKey != null && orderingKey.isBlank()) orderingKey = null;
        if (orderingKey != null) {
            String why = Privacy.problem(orderingKey);
            if (why == null && orderingKey.contains("*")) why = "names one field: no '*'";
            if (why != null) errors.add("ordering_key", why);
        }
        errors.throwIfAny();
        return new Subscription(existing == null ? null : existing.id(), serviceId, List.copyOf(events), filter, path,
                method, format, template, enabled, retry, existing == null ? 0 : existing.createdAt(),
                existing == null ? 0 : existing.updatedAt(), contentType, formStyle, formatOptions, disabledReason, dedupeWindowS,
                privacy, orderingKey);
    }

    public static ObjectNode toJson(Subscription s) {
        ObjectNode o = Json.object();
        o.put("id", s.id());
        o.put("service_id", s.serviceId());
        s.events().forEach(o.putArray("events")::add);
        o.set("filter", s.filter().toJson());
        o.put("path", s.path());
        if (s.method() == null) o.putNull("method"); else o.put("method", s.method());
        o.put("format", s.format());
        if (s.template() == null) o.putNull("template"); else o.put("template", s.template());
        o.put("enabled", s.enabled());
        if (s.retry() == null) o.putNull("retry"); else o.set("retry", s.retry().toJson());
        if (s.contentType() == null) o.putNull("content_type"); else o.put("content_type", s.contentType());
        if (s.formStyle() == null) o.putNull("form_style"); else o.put("form_style", s.formStyle());
        o.set("format_options", s.formatOptions() == null ? Json.object() : s.formatOptions().deepCopy());
        if (s.disabledReason() == null) o.putNull("disabled_reason"); else o.put("disabled_reason", s.disabledReason());
        o.put("dedupe_window_s", s.dedupeWindowS());
        o.set("privacy", (s.privacy() == null ? Privacy.NONE : s.privacy()).toJson());
        if (s.orderingKey() == null) o.putNull("ordering_key"); else o.put("ordering_key", s.orderingKey());
        if (s.createdAt() > 0) {
            o.put("created_at", Instant.ofEpochMilli(s.createdAt()).toString());
            o.put("updated_at", Instant.ofEpochMilli(s.updatedAt()).toString());
        }
        return o;
    }
}

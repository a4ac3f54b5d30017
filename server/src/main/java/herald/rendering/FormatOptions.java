package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.event.Json;
import herald.web.FieldErrors;
import herald.web.JsonFields;

/** Validation at save time of what a subscription's format reads: its {@code format_options} and template. */
public final class FormatOptions {
    private FormatOptions() {}

    /** The options for {@code format}, checked; an empty object when none were given. */
    public static ObjectNode check(String format, JsonNode given, FieldErrors errors) {
        if (given == null || given.isNull()) return Json.object();
        JsonFields f = JsonFields.of(given, "format_options", errors);
        if (!given.isObject()) return Json.object();
        switch (format == null ? "" : format) {
            case "teachbase" -> {
                f.rejectUnknown("type_from", "event_from", "types", "events");
                f.string("type_from", false, 255, null);
                f.string("event_from", false, 255, null);
                f.stringMap("types", 500, 255);
                f.stringMap("events", 500, 255);
            }
            case "openedx" -> {
                f.rejectUnknown("data_class");
                f.string("data_class", false, 255, null);
            }
            case "cloudevents" -> {
                f.rejectUnknown("source");
                f.string("source", false, 2048, null);
            }
            default -> {
                if (!given.isEmpty()) errors.add("format_options", "the format '" + format + "' takes no options");
            }
        }
        return ((ObjectNode) given).deepCopy();
    }

    /** Compiles a template, filing a syntax error under {@code template} with its line and column. */
    public static void checkTemplate(String template, FieldErrors errors) {
        try {
            Template.compile(template);
        } catch (TemplateException e) {
            errors.add("template", e.reason(), e.line(), e.column());
        }
    }
}

package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.json.JsonFields;
import herald.problem.FieldErrors;
import herald.subscription.FormatRules;
import herald.subscription.Subscription;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every payload format, by name; each decides its own rules (see {@link Format}). */
public final class Formats implements FormatRules {
    static final List<Format> ALL = List.of(new EventFormat(), new MoodleFormat(), new NoseyFormat(), new OpenEdxFormat(),
            new TeachbaseFormat(), new CloudEventsFormat(), new TemplateFormat(), new XapiFormat(),
            new CaliperFormat());

    private final Map<String, Format> byName = new LinkedHashMap<>();

    public Formats() {
        for (Format f : ALL) byName.put(f.name(), f);
    }

    Optional<Format> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    @Override
    public void checkTemplate(String format, String template, FieldErrors errors) {
        Format f = byName.get(format);
        if (f != null && f.needsTemplate() && (template == null || template.isEmpty())) {
            errors.add("template", "is required when format is " + format);
        } else if (template != null && !template.isEmpty()) {
            try {
                Template.compile(template);
            } catch (TemplateException e) {
                errors.add("template", e.reason(), e.line(), e.column());
            }
        }
    }

    @Override
    public ObjectNode checkOptions(String format, JsonNode given, FieldErrors errors) {
        if (given == null || given.isNull()) return Json.object();
        JsonFields options = JsonFields.of(given, "format_options", errors);
        if (!given.isObject()) return Json.object();
        Format f = byName.get(format);
        if (f != null) f.checkOptions(options);
        return ((ObjectNode) given).deepCopy();
    }

    /** The formats for learning record stores (xapi, caliper) that send events of {@code type}; empty when none. */
    public static List<String> learningRecordFormats(String type) {
        List<String> out = new java.util.ArrayList<>(2);
        for (Format f : ALL) if (f.forLearningRecords() && f.renders(type, null)) out.add(f.name());
        return out;
    }

    @Override
    public boolean renders(String format, String type, JsonNode body, herald.subscription.Privacy privacy) {
        Format f = byName.get(format);
        if (f == null) return true;
        // a learning record needs its learner: a subscription dropping that field gets no record, rather than a dead one
        return f.renders(type, f.forLearningRecords() ? PrivacyRules.dropped(body, privacy) : body);
    }

    @Override
    public boolean needsRecord(Subscription subscription) {
        Format f = byName.get(subscription.format());
        return f != null && f.needsRecord(subscription);
    }
}

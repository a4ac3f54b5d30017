package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.subscription.Subscription;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code template}: the subscription's template rendered against the event document, to which
 * {@code other} (decoded), {@code record}, and for Moodle events {@code host} are available as
 * fields. The output must be JSON: it is sent as written with the json encoding, and parsed and
 * flattened with the form encoding or GET.
 */
final class TemplateFormat implements Format {
    @Override
    public String name() {
        return "template";
    }

    @Override
    public boolean needsTemplate() {
        return true;
    }

    /** A template that names {@code record} (as a value or a section) renders the event's row. */
    @Override
    public boolean needsRecord(Subscription subscription) {
        return subscription.template() != null && RECORD_IN_TEMPLATE.matcher(subscription.template()).find();
    }

    static final int MAX_STEPS = 1_000_000;
    private static final Pattern RECORD_IN_TEMPLATE = Pattern.compile("\\{\\{\\s*[#^/&]?\\s*record\\b");
    private static final int CACHE_SIZE = 256;
    private final Map<String, Template> compiled = new ConcurrentHashMap<>();

    @Override
    public Payload render(Input in) throws RenderException {
        String source = in.subscription().template();
        if (source == null || source.isEmpty()) throw new RenderException("the subscription has no template");
        java.util.Set<String> missing = new java.util.TreeSet<>();
        String text = compile(source).render(context(in), in.maxChars(), MAX_STEPS, missing);
        JsonNode tree;
        try {
            tree = Json.read(text);
        } catch (IllegalArgumentException e) {
            throw new RenderException("template output is not JSON: " + e.getMessage().replaceFirst("^invalid JSON: ", ""));
        }
        if (tree == null || tree.isMissingNode()) throw new RenderException("template output is empty, not JSON");
        List<String> warnings = missing.isEmpty() ? List.of() : List.of("placeholders that found nothing in this event: "
                + String.join(", ", missing.stream().map(p -> "{{" + p + "}}").toList()));
        return new Payload(tree, text, false, "application/json", warnings);
    }

    private Template compile(String source) throws RenderException {
        Template t = compiled.get(source);
        if (t != null) return t;
        try {
            t = Template.compile(source);
        } catch (TemplateException e) {
            throw new RenderException("template: " + e.getMessage());
        }
        if (compiled.size() >= CACHE_SIZE) compiled.clear(); // templates are few; this only bounds memory
        compiled.put(source, t);
        return t;
    }

    private static JsonNode context(Input in) {
        EventView e = in.event();
        ObjectNode ctx = e.body().deepCopy();
        if (e.isMoodle()) {
            ctx.set("other", e.moodleFields().get("other"));
            ctx.put("host", in.siteHost());
        }
        return ctx;
    }
}

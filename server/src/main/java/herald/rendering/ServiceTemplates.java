package herald.rendering;

import herald.problem.FieldErrors;
import herald.subscription.Service;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The templates a service itself holds (an AMQP routing key, a SOAP envelope): checked when saved, compiled once. */
public final class ServiceTemplates {
    private static final int CACHE_SIZE = 256;
    private static final Map<String, Template> cache = new ConcurrentHashMap<>();

    private ServiceTemplates() {}

    /** Files a problem under the field of each template of {@code svc} that does not compile. */
    public static void check(Service svc, FieldErrors errors) {
        if (svc.isAmqp()) problem(svc.amqp().routingKey(), Template.Escape.NONE, "routing_key", errors);
        if (svc.isSoap() && !svc.soap().envelope().isBlank()) problem(svc.soap().envelope(), Template.Escape.XML, "soap_envelope", errors);
    }

    private static void problem(String source, Template.Escape escape, String field, FieldErrors errors) {
        try {
            Template.compileText(source, escape);
        } catch (TemplateException e) {
            errors.add(field, e.getMessage());
        }
    }

    static Template routingKey(String source) throws RenderException {
        return compiled(source, Template.Escape.NONE, "routing_key");
    }

    static Template envelope(String source) throws RenderException {
        return compiled(source, Template.Escape.XML, "soap_envelope");
    }

    private static Template compiled(String source, Template.Escape escape, String field) throws RenderException {
        String key = escape + ":" + source;
        Template t = cache.get(key);
        if (t != null) return t;
        try {
            t = Template.compileText(source, escape);
        } catch (TemplateException e) {
            throw new RenderException(field + ": " + e.getMessage());
        }
        if (cache.size() >= CACHE_SIZE) cache.clear(); // services are few; this only bounds memory
        cache.put(key, t);
        return t;
    }
}

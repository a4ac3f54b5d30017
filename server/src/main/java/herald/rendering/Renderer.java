package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import herald.json.Json;
import herald.rendering.Format.Payload;
import herald.net.Urls;
import herald.subscription.Service;
import herald.subscription.Subscription;
import herald.text.Words;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a stored event into the request one subscription's receiver expects: the subscription's
 * format builds the payload, the encoding (the subscription's {@code content_type}, else the
 * service's) writes it as JSON or as a real form body, and a GET carries it in the query string.
 * A payload over the size limit is refused with the reason, not sent.
 */
public final class Renderer {
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
    /** PHP's default {@code max_input_vars}: a PHP receiver silently drops the fields after it. */
    public static final int PHP_MAX_INPUT_VARS = 1000;
    static final String FORM_MEDIA_TYPE = "application/x-www-form-urlencoded";

    /** A rendering with what a person previewing it should know. */
    public record Preview(Rendered rendered, List<String> warnings) {}

    private final int maxPayloadBytes;
    private final SiteLocator sites;
    private final Formats formats;
    private final Pseudonyms pseudonyms;

    public Renderer() {
        this(new Formats(), DEFAULT_MAX_PAYLOAD_BYTES, SiteLocator.SOURCE_URL);
    }

    public Renderer(Formats formats, int maxPayloadBytes, SiteLocator sites) {
        this(formats, maxPayloadBytes, sites, Pseudonyms.random());
    }

    /** {@code pseudonyms}: Herald's, so that a learner's pseudonym at a service stays the same across restarts. */
    public Renderer(Formats formats, int maxPayloadBytes, SiteLocator sites, Pseudonyms pseudonyms) {
        this.formats = formats;
        this.maxPayloadBytes = maxPayloadBytes;
        this.sites = sites;
        this.pseudonyms = pseudonyms;
    }

    /**
     * @param eventId the stored event's id (the formats that name the event use it)
     * @param eventBody the stored event document (JSON)
     */
    public Rendered render(String eventId, String eventBody, Service svc, Subscription sub) throws RenderException {
        if (sendsStoredText(svc, sub) && eventBody.startsWith("{")) {
            // The event format, as is: the stored text is what parsing it and writing it again gives
            // (it was written by the same writer), so it is sent without either (a tenth of a send's CPU).
            byte[] body = eventBody.getBytes(StandardCharsets.UTF_8);
            checkSize(body.length, "payload");
            return new Rendered(sub.method() != null ? sub.method() : svc.method(), url(svc, sub), Payload.JSON_MEDIA_TYPE, body);
        }
        JsonNode doc;
        try {
            doc = Json.read(eventBody);
        } catch (IllegalArgumentException e) {
            throw new RenderException("the stored event is not JSON");
        }
        if (!doc.isObject()) throw new RenderException("the stored event is not a JSON object");
        return preview(eventId, (ObjectNode) doc, svc, sub).rendered();
    }

    /**
     * Whether the delivery's body is the stored event's text: the event format, nothing withheld from
     * the receiver, sent as JSON in the body of an HTTP request.
     */
    private static boolean sendsStoredText(Service svc, Subscription sub) {
        String method = sub.method() != null ? sub.method() : svc.method();
        String encoding = sub.contentType() != null ? sub.contentType() : svc.contentType();
        return EventFormat.NAME.equals(sub.format()) && (sub.privacy() == null || sub.privacy().isEmpty())
                && !svc.isSoap() && !svc.isAmqp() && !method.equals("GET") && !encoding.equals("form");
    }

    private static String url(Service svc, Subscription sub) throws RenderException {
        try {
            return Urls.join(svc.url(), sub.path());
        } catch (IllegalArgumentException e) {
            throw new RenderException(e.getMessage());
        }
    }

    /** @param eventId the stored event's id; null for an event not stored (a sample, one sent to preview) */
    public Preview preview(String eventId, ObjectNode event, Service svc, Subscription sub) throws RenderException {
        Format format = formats.get(sub.format())
                .orElseThrow(() -> new RenderException("unknown format '" + sub.format() + "'"));
        // What the receiver may not see is gone before any format reads the event.
        EventView view = new EventView(PrivacyRules.apply(event, sub.privacy(), pseudonyms, svc.id()), eventId);
        String siteUrl = siteUrl(view, svc);
        Format.Payload payload = format.render(new Format.Input(view, svc, sub, SiteLocator.host(siteUrl), siteUrl, maxPayloadBytes));
        if (svc.isSoap()) return soap(view, payload, svc, sub);

        String method = sub.method() != null ? sub.method() : svc.method();
        String url = url(svc, sub);
        String encoding = sub.contentType() != null ? sub.contentType() : svc.contentType();
        String style = sub.formStyle() != null ? sub.formStyle() : svc.formStyle();
        List<String> warnings = new ArrayList<>(payload.warnings());
        if (method.equals("GET") || encoding.equals("form")) {
            boolean brackets = "brackets".equals(style);
            var fields = FormEncoding.fields(payload.tree(), brackets ? FormEncoding.Style.BRACKETS : FormEncoding.Style.UNDERSCORE);
            int lost = brackets ? 0 : FormEncoding.underscoreLeaves(payload.tree()) - fields.size();
            if (lost > 0) {
                warnings.add(Words.count(lost, "field shares", "fields share") + " a name once nested keys are joined with '_'; the later value is sent"
                        + " (the brackets form style keeps them apart)");
            }
            if (fields.size() > PHP_MAX_INPUT_VARS) {
                warnings.add("the form has " + fields.size() + " fields; PHP receivers keep only the first "
                        + PHP_MAX_INPUT_VARS + " (max_input_vars) and silently drop the rest");
            }
            String form = FormEncoding.encode(fields);
            checkSize(form.length(), method.equals("GET") ? "query string" : "payload"); // ASCII: chars are bytes
            if (method.equals("GET")) {
                String query = form.isEmpty() ? "" : (url.contains("?") ? "&" : "?") + form;
                return new Preview(new Rendered(method, url + query, FORM_MEDIA_TYPE, new byte[0], null, payload.headers()), warnings);
            }
            return new Preview(new Rendered(method, url, FORM_MEDIA_TYPE, form.getBytes(StandardCharsets.US_ASCII), null,
                    payload.headers()), warnings);
        }
        byte[] body = payload.jsonText().getBytes(StandardCharsets.UTF_8);
        checkSize(body.length, "payload");
        if (svc.isAmqp()) {
            return new Preview(new Rendered(AMQP_PUBLISH, svc.url(), payload.jsonMediaType(), body, routingKey(svc, view)), warnings);
        }
        return new Preview(new Rendered(method, url, payload.jsonMediaType(), body, null, payload.headers()), warnings);
    }

    /** The method an AMQP delivery records: a message published, not an HTTP request. */
    public static final String AMQP_PUBLISH = "PUBLISH";
    /** AMQP's short string: a routing key has at most 255 bytes. */
    static final int MAX_ROUTING_KEY_BYTES = 255;

    /** The service's routing key template rendered with the event (its fields, {@code name} its type). */
    private static String routingKey(Service svc, EventView view) throws RenderException {
        String key = ServiceTemplates.routingKey(svc.amqp().routingKey()).render(templateContext(view), MAX_ROUTING_KEY_BYTES * 4,
                TemplateFormat.MAX_STEPS);
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_ROUTING_KEY_BYTES) {
            throw new RenderException("the routing key is longer than AMQP's " + MAX_ROUTING_KEY_BYTES + " bytes");
        }
        return key;
    }

    /** A SOAP delivery: the envelope (the service's template, or the payload as XML) posted to the service's URL. */
    private Preview soap(EventView view, Format.Payload payload, Service svc, Subscription sub) throws RenderException {
        String url = url(svc, sub);
        // A text template's output has no tree: it is the body's text.
        JsonNode tree = payload.tree() != null ? payload.tree() : TextNode.valueOf(payload.jsonText());
        ObjectNode context = templateContext(view);
        context.set("payload", tree);
        byte[] body = SoapEnvelope.render(svc.soap(), tree, context, maxPayloadBytes).getBytes(StandardCharsets.UTF_8);
        checkSize(body.length, "envelope");
        return new Preview(new Rendered("POST", url, SoapEnvelope.mediaType(svc.soap()), body), payload.warnings());
    }

    /** What a service's templates (routing key, envelope) may name: the event's fields and {@code name}, its type. */
    private static ObjectNode templateContext(EventView view) {
        ObjectNode ctx = view.body().deepCopy();
        if (!ctx.has("name")) ctx.put("name", view.type());
        return ctx;
    }

    private void checkSize(int bytes, String what) throws RenderException {
        if (bytes > maxPayloadBytes) {
            throw new RenderException("the rendered " + what + " is " + bytes + " bytes, over the limit of "
                    + maxPayloadBytes + " bytes (HERALD_MAX_PAYLOAD_BYTES)");
        }
    }

    /** The service's {@code site_url} wins; else the site the event's source names; "" when neither. */
    private String siteUrl(EventView event, Service svc) {
        if (svc.siteUrl() != null && !svc.siteUrl().isEmpty()) return svc.siteUrl();
        return sites.siteUrl(event.source()).orElse("");
    }
}

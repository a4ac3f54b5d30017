package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import herald.subscription.Service;

/**
 * The SOAP envelope a {@code soap} service receives: the service's envelope template rendered with
 * the event (XML-escaped values), or, without one, a standard envelope whose body holds the payload
 * written as XML elements. Also the media type each SOAP version asks for.
 */
public final class SoapEnvelope {
    public static final String NS_11 = "http://schemas.xmlsoap.org/soap/envelope/";
    public static final String NS_12 = "http://www.w3.org/2003/05/soap-envelope";
    /** The namespace of the body element Herald writes when no template is given. */
    public static final String HERALD_NS = "urn:herald:event";
    static final int MAX_STEPS = 1_000_000;

    private SoapEnvelope() {}

    /**
     * The envelope for {@code payload} ({@code context}: what the template's placeholders may name).
     * Without a template the body is {@code <herald:event>} holding the payload.
     */
    public static String render(Service.Soap soap, JsonNode payload, JsonNode context, int maxChars) throws RenderException {
        if (!soap.envelope().isBlank()) return ServiceTemplates.envelope(soap.envelope()).render(context, maxChars, MAX_STEPS);
        return wrap(soap.version(), bodyOf(payload));
    }

    /** {@code payload} as the body's one element, {@code <herald:event>}, its fields written as elements. */
    public static String bodyOf(JsonNode payload) {
        StringBuilder body = new StringBuilder(512);
        body.append("<herald:event xmlns:herald=\"").append(HERALD_NS).append("\">");
        XmlWriter.children(payload, body, 0);
        body.append("</herald:event>");
        return body.toString();
    }

    /** {@code bodyXml} inside an envelope of {@code version}. */
    public static String wrap(String version, String bodyXml) {
        String ns = "1.2".equals(version) ? NS_12 : NS_11;
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<soap:Envelope xmlns:soap=\"" + ns + "\"><soap:Body>" + bodyXml + "</soap:Body></soap:Envelope>";
    }

    /** SOAP 1.1 is text/xml (the action goes in a SOAPAction header); 1.2 carries the action as a media type parameter. */
    public static String mediaType(Service.Soap soap) {
        if (!"1.2".equals(soap.version())) return "text/xml; charset=utf-8";
        return "application/soap+xml; charset=utf-8" + (soap.action().isEmpty() ? "" : "; action=\"" + soap.action() + "\"");
    }
}

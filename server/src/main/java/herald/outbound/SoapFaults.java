package herald.outbound;

import java.io.StringReader;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * Reads a SOAP service's answer for a Fault. SOAP 1.1 answers a fault with HTTP 500 and
 * {@code faultcode}/{@code faultstring}; SOAP 1.2 with 400 or 500 and {@code Code/Value} and
 * {@code Reason/Text}. Either way the answer is a failure, whatever its status, and the attempt
 * records the code and the text. The answer is untrusted: no DTD, no entities, no external access.
 */
final class SoapFaults {
    static final int MAX_ERROR_CHARS = 1000;

    private SoapFaults() {}

    /** {@code r} with the fault's code and text as its error when its body is a SOAP Fault; otherwise {@code r}. */
    static OutboundCall.Response classify(OutboundCall.Response r) {
        if (r.status() == null || r.excerpt() == null || !r.excerpt().contains("Fault")) return r;
        String fault = fault(r.excerpt());
        if (fault == null) return r;
        return new OutboundCall.Response(r.status(), OutboundCall.SOAP_FAULT, fault, r.responseHeaders(), r.excerpt(),
                r.retryAfter(), r.sentHeaders(), r.startedAt(), r.durationMs());
    }

    /** "code: text" of the envelope's Fault; null when {@code xml} is not a SOAP envelope holding one. */
    static String fault(String xml) {
        Element root;
        try {
            DocumentBuilder builder = factory().newDocumentBuilder();
            builder.setErrorHandler(null); // a broken answer is not a fault: no noise on stderr
            root = builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
        } catch (Exception e) {
            return null; // not XML, or cut short by the excerpt limit
        }
        if (!"Envelope".equals(root.getLocalName())) return null;
        Element body = child(root, "Body");
        Element fault = body == null ? null : child(body, "Fault");
        if (fault == null) return null;
        String code, text;
        if (child(fault, "Code") != null) { // SOAP 1.2
            Element c = child(fault, "Code");
            code = textOf(child(c, "Value"));
            Element sub = child(c, "Subcode");
            if (sub != null && child(sub, "Value") != null) code += " (" + textOf(child(sub, "Value")) + ")";
            text = textOf(child(child(fault, "Reason"), "Text"));
        } else {
            code = textOf(child(fault, "faultcode"));
            text = textOf(child(fault, "faultstring"));
        }
        String out = "SOAP Fault " + (code.isEmpty() ? "(no code)" : code) + ": " + (text.isEmpty() ? "(no text)" : text);
        return out.length() > MAX_ERROR_CHARS ? out.substring(0, MAX_ERROR_CHARS) : out;
    }

    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    private static Element child(Element parent, String localName) {
        if (parent == null) return null;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) return e;
        }
        return null;
    }

    private static String textOf(Element e) {
        return e == null ? "" : e.getTextContent().strip();
    }
}

package herald.rendering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.subscription.Service;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/** The XML Herald writes for SOAP services stays well-formed whatever the event holds. */
class SoapEnvelopeTest {

    private static void wellFormed(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keysXmlRefusesBecomeValidNamesAndTextIsEscaped() throws Exception {
        ObjectNode payload = Json.object().put("1st", "a<b").put("with space", "&").put("xmlns", "x").put("", "empty")
                .put("ok-name.2", "\u0001control\uFFFE").put("a:b", "c")
                .put("emoji", "\uD83D\uDE00\uD800");
        payload.putArray("list").add(1).add("two").addNull();
        String xml = SoapEnvelope.render(Service.Soap.NONE, payload, payload, 100_000);
        wellFormed(xml);
        assertThat(xml).contains("<_1st>a&lt;b</_1st>", "<with_space>&amp;</with_space>", "<_xmlns>x</_xmlns>", "<_>empty</_>",
                "<ok-name.2>control</ok-name.2>", "<a_b>c</a_b>", "<emoji>\uD83D\uDE00</emoji>", "<list><item>1</item><item>two</item><item/></list>");
        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><soap:Envelope xmlns:soap=\"" + SoapEnvelope.NS_11 + "\">");
    }

    @Test
    void deepNestingIsWrittenAsTextBeyondTheBound() throws Exception {
        JsonNode deep = Json.object();
        ObjectNode at = (ObjectNode) deep;
        for (int i = 0; i < XmlWriter.MAX_DEPTH + 20; i++) at = at.putObject("n");
        at.put("leaf", "<x>");
        String xml = SoapEnvelope.render(new Service.Soap("1.2", "urn:a", ""), deep, deep, 1_000_000);
        wellFormed(xml);
        assertThat(xml).contains(SoapEnvelope.NS_12).contains("{&quot;leaf&quot;:&quot;&lt;x&gt;&quot;}");
    }

    @Test
    void anEnvelopeTemplateEscapesValuesButNotItsOwnMarkup() throws Exception {
        Template t = Template.compileText("<m:User xmlns:m=\"urn:m\" id=\"{{id}}\">{{name}}</m:User>", Template.Escape.XML);
        String out = t.render(Json.read("{\"id\":\"1\\\"2\",\"name\":\"O'Neil & <Co>\"}"), 10_000, 10_000);
        assertThat(out).isEqualTo("<m:User xmlns:m=\"urn:m\" id=\"1&quot;2\">O&apos;Neil &amp; &lt;Co&gt;</m:User>");
        wellFormed(out);
        // a routing key template writes values as they are
        assertThat(Template.compileText("lms.{{name}}", Template.Escape.NONE).render(Json.read("{\"name\":\"a&b\"}"), 100, 100))
                .isEqualTo("lms.a&b");
    }

    @Test
    void mediaTypesFollowTheVersion() {
        assertThat(SoapEnvelope.mediaType(new Service.Soap("1.1", "urn:a", ""))).isEqualTo("text/xml; charset=utf-8");
        assertThat(SoapEnvelope.mediaType(new Service.Soap("1.2", "urn:a", ""))).isEqualTo("application/soap+xml; charset=utf-8; action=\"urn:a\"");
        assertThat(SoapEnvelope.mediaType(new Service.Soap("1.2", "", ""))).isEqualTo("application/soap+xml; charset=utf-8");
    }
}

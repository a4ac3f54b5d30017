package herald.delivery;

import static herald.delivery.Hooks.awaitDelivery;
import static herald.delivery.Hooks.serviceSubscribedToAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.Receiver.Reply;
import herald.testing.TestHerald;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** SOAP services: the envelope each version expects, from a template or from the event; a Fault is a failure. */
class SoapDestinationTest {
    private static final String NS_11 = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String NS_12 = "http://www.w3.org/2003/05/soap-envelope";

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static ObjectNode eventFor(String id, String userName) {
        ObjectNode e = Events.generic(id, "user.enrolled");
        ((ObjectNode) e.get("data").get("user")).put("name", userName);
        return e;
    }

    @Test
    void soap11FromATemplateWithEscapedValuesAndTheSoapActionHeader() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver crm = new Receiver()) {
            crm.reply(r -> Reply.status(200).header("Content-Type", "text/xml").body("<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\""
                    + NS_11 + "\"><soap:Body><m:NotifyResponse xmlns:m=\"urn:crm\"><m:ok>true</m:ok></m:NotifyResponse></soap:Body></soap:Envelope>"));
            Api api = h.api();
            ObjectNode svc = Json.object().put("type", "soap").put("soap_action", "urn:crm#Notify").put("soap_envelope", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
                    <m:Notify xmlns:m="urn:crm"><m:Type>{{name}}</m:Type><m:User>{{data.user.name}}</m:User><m:Id>{{payload.id}}</m:Id></m:Notify>
                    </soap:Body></soap:Envelope>""");
            serviceSubscribedToAll(api, "crm-soap", crm.url() + "/ws", svc);

            api.post("/api/v1/events", eventFor("soap-1", "Ana & <Bob> \"the\" 'great'"));
            JsonNode d = awaitDelivery(api, "soap-1", Duration.ofSeconds(20), x -> x.get("status").asText().equals("delivered"));
            assertThat(d.get("attempts").get(0).get("status_code").asInt()).isEqualTo(200);

            Receiver.Received got = crm.received().get(0);
            assertThat(got.path()).isEqualTo("/ws");
            assertThat(got.header("Content-Type")).isEqualTo("text/xml; charset=utf-8");
            assertThat(got.header("SOAPAction")).isEqualTo("\"urn:crm#Notify\"");
            Document doc = parse(got.body()); // well-formed whatever the values held
            assertThat(doc.getElementsByTagNameNS("urn:crm", "User").item(0).getTextContent()).isEqualTo("Ana & <Bob> \"the\" 'great'");
            assertThat(doc.getElementsByTagNameNS("urn:crm", "Type").item(0).getTextContent()).isEqualTo("user.enrolled");
            assertThat(doc.getElementsByTagNameNS("urn:crm", "Id").item(0).getTextContent()).isEqualTo("soap-1");
        }
    }

    @Test
    void soap12FromTheEventWithTheActionParameterAndAFaultIsAFailureWithItsCodeAndText() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver erp = new Receiver()) {
            erp.reply(r -> Reply.status(500).header("Content-Type", "application/soap+xml").body("<env:Envelope xmlns:env=\"" + NS_12
                    + "\"><env:Body><env:Fault><env:Code><env:Value>env:Receiver</env:Value><env:Subcode><env:Value>m:UserLocked</env:Value>"
                    + "</env:Subcode></env:Code><env:Reason><env:Text xml:lang=\"en\">The user is locked</env:Text></env:Reason>"
                    + "</env:Fault></env:Body></env:Envelope>"));
            Api api = h.api();
            ObjectNode svc = Json.object().put("type", "soap").put("soap_version", "1.2").put("soap_action", "urn:erp:Enrol");
            svc.putObject("retry").putArray("schedule_s");
            serviceSubscribedToAll(api, "erp-soap", erp.url(), svc);

            api.post("/api/v1/events", eventFor("soap-2", "Ana"));
            JsonNode d = awaitDelivery(api, "soap-2", Duration.ofSeconds(20), x -> x.get("status").asText().equals("dead"));
            JsonNode attempt = d.get("attempts").get(0);
            assertThat(attempt.get("status_code").asInt()).isEqualTo(500);
            assertThat(attempt.get("error_kind").asText()).isEqualTo("soap_fault");
            assertThat(attempt.get("error").asText()).isEqualTo("SOAP Fault env:Receiver (m:UserLocked): The user is locked");
            assertThat(d.get("last_error").asText()).contains("The user is locked");

            Receiver.Received got = erp.received().get(0);
            assertThat(got.header("Content-Type")).isEqualTo("application/soap+xml; charset=utf-8; action=\"urn:erp:Enrol\"");
            assertThat(got.header("SOAPAction")).isNull();
            Document doc = parse(got.body());
            assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo(NS_12);
            assertThat(doc.getElementsByTagNameNS("urn:herald:event", "event").getLength()).isEqualTo(1);
            assertThat(doc.getElementsByTagName("name").item(0).getTextContent()).isEqualTo("Ana");
        }
    }

    @Test
    void aFaultAnsweredWith200IsStillAFailure() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver legacy = new Receiver()) {
            legacy.reply(r -> Reply.status(200).body("<s:Envelope xmlns:s=\"" + NS_11 + "\"><s:Body><s:Fault><faultcode>s:Client</faultcode>"
                    + "<faultstring>Invalid course</faultstring></s:Fault></s:Body></s:Envelope>"));
            Api api = h.api();
            ObjectNode svc = Json.object().put("type", "soap");
            svc.putObject("retry").putArray("schedule_s");
            serviceSubscribedToAll(api, "legacy-soap", legacy.url(), svc);
            api.post("/api/v1/events", eventFor("soap-3", "Ana"));
            JsonNode d = awaitDelivery(api, "soap-3", Duration.ofSeconds(20), x -> x.get("status").asText().equals("dead"));
            assertThat(d.get("attempts").get(0).get("error").asText()).isEqualTo("SOAP Fault s:Client: Invalid course");
        }
    }

    @Test
    void theGatewayWrapsTheCallersXmlInTheServicesEnvelope() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver ws = new Receiver()) {
            ws.reply(r -> Reply.status(200).body("<soap:Envelope xmlns:soap=\"" + NS_11 + "\"><soap:Body><r>42</r></soap:Body></soap:Envelope>"));
            Api api = h.api();
            api.post("/api/v1/services", Json.object().put("name", "ws").put("url", ws.url()).put("type", "soap").put("soap_action", "Get"));
            var call = api.post("/api/v1/services/ws/requests", Json.object().put("path", "/Service.asmx").put("payload", "<Get xmlns=\"urn:x\"><Id>7</Id></Get>"));
            assertThat(call.status()).as(call.text()).isEqualTo(200);
            assertThat(call.json().get("success").asBoolean()).isTrue();
            assertThat(call.json().get("body").asText()).contains("<r>42</r>");
            Receiver.Received got = ws.received().get(0);
            assertThat(got.path()).isEqualTo("/Service.asmx");
            assertThat(got.header("SOAPAction")).isEqualTo("\"Get\"");
            Document doc = parse(got.body());
            assertThat(doc.getElementsByTagNameNS("urn:x", "Id").item(0).getTextContent()).isEqualTo("7");
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheField() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            Api api = h.api();
            var badTemplate = api.post("/api/v1/services", Json.object().put("name", "s1").put("url", "http://127.0.0.1:9/x").put("type", "soap")
                    .put("soap_envelope", "<a>{{unclosed</a>"));
            assertThat(badTemplate.status()).isEqualTo(400);
            assertThat(badTemplate.errorFields()).containsExactly("soap_envelope");
            var badVersion = api.post("/api/v1/services", Json.object().put("name", "s2").put("url", "http://127.0.0.1:9/x").put("type", "soap")
                    .put("soap_version", "2.0"));
            assertThat(badVersion.errorFields()).containsExactly("soap_version");
            var badMethod = api.post("/api/v1/services", Json.object().put("name", "s3").put("url", "http://127.0.0.1:9/x").put("type", "soap")
                    .put("method", "PUT"));
            assertThat(badMethod.errorFields()).containsExactly("method");
            var badAction = api.post("/api/v1/services", Json.object().put("name", "s4").put("url", "http://127.0.0.1:9/x").put("type", "soap")
                    .put("soap_action", "a\"b"));
            assertThat(badAction.errorFields()).containsExactly("soap_action");
            var badAmqpUrl = api.post("/api/v1/services", Json.object().put("name", "a1").put("url", "http://127.0.0.1:5672/").put("type", "amqp"));
            assertThat(badAmqpUrl.errorFields()).containsExactly("url");
            var badKey = api.post("/api/v1/services", Json.object().put("name", "a2").put("url", "amqp://127.0.0.1/").put("type", "amqp")
                    .put("routing_key", "{{#each}}"));
            assertThat(badKey.status()).isEqualTo(400);
            assertThat(badKey.errorFields()).containsExactly("routing_key");
            var bearer = Json.object().put("name", "a3").put("url", "amqp://127.0.0.1/").put("type", "amqp");
            bearer.putObject("auth").put("type", "bearer").put("token", "t");
            assertThat(api.post("/api/v1/services", bearer).errorFields()).containsExactly("auth.type");
            var twice = Json.object().put("name", "a4").put("url", "amqp://u:p@127.0.0.1/").put("type", "amqp");
            twice.putObject("auth").put("type", "basic").put("username", "u").put("password", "p");
            assertThat(api.post("/api/v1/services", twice).status()).isEqualTo(400);
            assertThat(api.get("/api/v1/services").json().get("items")).isEmpty(); // nothing half-written
        }
    }
}

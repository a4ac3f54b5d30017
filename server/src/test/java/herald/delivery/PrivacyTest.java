package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A subscription's privacy: dropped fields never reach its receiver; pseudonyms are stable per service and differ across services. */
class PrivacyTest {
    private static final String EMAIL = "ana.secret@example.org";
    private static final String USERNAME = "anasecret";
    private static final Pattern PSEUDONYM = Pattern.compile("psn_[0-9a-f]{24}");

    /** A Moodle enrolment of learner 42 with the learner's record, as nosey and sources give it. */
    private static ObjectNode enrolment(String id) {
        ObjectNode e = Events.courseViewed(id);
        e.put("eventname", "\\core\\event\\user_enrolment_created").put("relateduserid", "42");
        e.putObject("other").put("username", USERNAME).put("enrol", "manual");
        e.putObject("record").put("id", 42).put("email", EMAIL).put("firstname", "Ana").put("username", USERNAME);
        return e;
    }

    private static String subscribe(Api api, String serviceId, String format, String contentType, ObjectNode privacy) {
        ObjectNode sub = Json.object().put("service_id", serviceId).put("format", format).put("path", "/" + format + "/" + contentType)
                .put("content_type", contentType);
        sub.putArray("events").add("*");
        if (format.equals("template")) sub.put("template", "{\"who\":\"{{record.email}}\",\"user\":\"{{other.username}}\",\"rel\":\"{{relateduserid}}\"}");
        sub.set("privacy", privacy);
        var r = api.post("/api/v1/subscriptions", sub);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    @Test
    void droppedFieldsReachTheReceiverInNoFormatAndNoEncoding() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            Api api = h.api();
            String svc = api.post("/api/v1/services", Json.object().put("name", "crm").put("url", receiver.url())).json().get("id").asText();
            ObjectNode privacy = Json.object();
            privacy.putArray("drop").add("record.email").add("other.username").add("record.username");
            int subs = 0;
            for (String format : List.of("event", "moodle", "nosey", "teachbase", "cloudevents", "template")) {
                for (String encoding : List.of("json", "form")) {
                    subscribe(api, svc, format, encoding, privacy);
                    subs++;
                }
            }
            var subscription = api.get("/api/v1/subscriptions?limit=1").json().at("/items/0");
            assertThat(subscription.get("privacy").get("drop")).hasSize(3);

            api.post("/api/v1/events", enrolment("priv-1"));
            ObjectNode serialized = enrolment("priv-2"); // other as the log keeps it: serialized text
            serialized.put("other", "{\"username\":\"" + USERNAME + "\",\"enrol\":\"manual\"}");
            serialized.putObject("record").put("firstname", "Ana");
            api.post("/api/v1/events", serialized);
            int expected = 2 * subs;
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == expected);
            for (Receiver.Received r : receiver.received()) {
                String seen = URLDecoder.decode(r.body(), StandardCharsets.UTF_8) + r.path();
                assertThat(seen).as(r.path()).doesNotContain(EMAIL).doesNotContain(USERNAME);
            }
            assertThat(receiver.received()).anySatisfy(r -> assertThat(r.body()).contains("Ana")); // the rest of the record went

            // the preview shows what the receiver gets, and the stored event keeps everything
            ObjectNode spec = Json.object().put("service_id", svc).put("format", "event");
            spec.set("privacy", privacy);
            ObjectNode previewRequest = Json.object();
            previewRequest.set("event", enrolment("priv-preview"));
            previewRequest.set("subscription", spec);
            var preview = api.post("/api/v1/subscriptions/preview", previewRequest);
            assertThat(preview.status()).as(preview.text()).isEqualTo(200);
            assertThat(preview.json().get("body").asText()).doesNotContain(EMAIL).contains("Ana");
            assertThat(api.get("/api/v1/events/priv-1").text()).contains(EMAIL);
        }
    }

    @Test
    void aLearnerHasOnePseudonymPerServiceStableAcrossEventsAndRestarts() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver a = new Receiver(); Receiver b = new Receiver()) {
            Api api = h.api();
            ObjectNode privacy = Json.object();
            privacy.putArray("pseudonymize").add("relateduserid").add("record").add("other.username");
            for (Receiver r : List.of(a, b)) {
                String name = r == a ? "crm" : "hr";
                String svc = api.post("/api/v1/services", Json.object().put("name", name).put("url", r.url())).json().get("id").asText();
                subscribe(api, svc, "nosey", "json", privacy);
            }
            api.post("/api/v1/events", enrolment("psn-1"));
            api.post("/api/v1/events", enrolment("psn-2"));
            await().atMost(Duration.ofSeconds(20)).until(() -> a.received().size() == 2 && b.received().size() == 2);
            h.restart();
            api = h.api();
            api.post("/api/v1/events", enrolment("psn-3"));
            await().atMost(Duration.ofSeconds(20)).until(() -> a.received().size() == 3 && b.received().size() == 3);

            List<String> atA = new ArrayList<>(), atB = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JsonNode fromA = Json.read(a.received().get(i).body()), fromB = Json.read(b.received().get(i).body());
                assertThat(fromA.toString()).doesNotContain(EMAIL).doesNotContain(USERNAME);
                atA.add(fromA.at("/event/relateduserid").asText() + " " + fromA.at("/record/email").asText());
                atB.add(fromB.at("/event/relateduserid").asText() + " " + fromB.at("/record/email").asText());
            }
            assertThat(atA).allMatch(s -> s.equals(atA.get(0))); // stable across events and the restart
            assertThat(atB).allMatch(s -> s.equals(atB.get(0)));
            Matcher m = PSEUDONYM.matcher(atA.get(0));
            assertThat(m.find()).as(atA.get(0)).isTrue();
            assertThat(atA.get(0)).isNotEqualTo(atB.get(0)); // another receiver, another pseudonym
            assertThat(atA.get(0).split(" ")[0]).isNotEqualTo(atA.get(0).split(" ")[1]); // values differ, pseudonyms too
        }
    }

    @Test
    void badPathsAreRefusedNamingTheField() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            Api api = h.api();
            String svc = api.post("/api/v1/services", Json.object().put("name", "s").put("url", "http://127.0.0.1:9/")).json().get("id").asText();
            ObjectNode privacy = Json.object();
            privacy.putArray("drop").add("record..email");
            privacy.putArray("pseudonymize").add("");
            privacy.put("other", true);
            ObjectNode sub = Json.object().put("service_id", svc).set("privacy", privacy);
            sub.putArray("events").add("*");
            var r = api.post("/api/v1/subscriptions", sub);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorFields()).containsExactlyInAnyOrder("privacy.drop[0]", "privacy.pseudonymize[0]", "privacy.other");
            assertThat(api.get("/api/v1/subscriptions").json().get("items")).isEmpty(); // nothing half-written
        }
    }
}

package herald.rendering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.subscription.Service;
import herald.subscription.Subscription;
import herald.testing.MoodleFixtures;
import herald.testing.SchemaChecker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The caliper format: real Moodle 4.3 rows as Caliper 1.2 events in a sensor envelope, valid against the specification's rules. */
class CaliperFormatTest {
    private static final JsonNode SCHEMA_DOC = read("caliper/event.schema.json");
    private static final SchemaChecker CHECKER = new SchemaChecker(SCHEMA_DOC);
    private final Renderer renderer = new Renderer();
    private final Service endpoint = Specs.service("{\"site_url\": \"https://lms.example.org\"}");
    private final Subscription caliper = Specs.subscription("{\"format\": \"caliper\"}");

    private static JsonNode read(String resource) {
        try {
            return Json.read(Files.readString(Path.of("src/test/resources", resource)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> problems(JsonNode envelope) {
        ObjectNode schema = SCHEMA_DOC.deepCopy();
        schema.remove("$defs");
        return CHECKER.errors(schema, envelope);
    }

    private JsonNode envelope(ObjectNode event) throws RenderException {
        Rendered r = renderer.preview(null, event.deepCopy(), endpoint, caliper).rendered();
        assertThat(r.contentType()).isEqualTo("application/json");
        return Json.read(new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void theSpecificationsExamplesPassTheSchemaAndAWrongActionDoesNot() {
        for (JsonNode example : read("caliper/spec-examples.json")) {
            ObjectNode e = ((ObjectNode) example).deepCopy();
            e.remove("$comment");
            assertThat(problems(e)).as(example.path("$comment").asText()).isEmpty();
        }
        ObjectNode wrong = (ObjectNode) read("caliper/spec-examples.json").get(0).deepCopy();
        wrong.remove("$comment");
        ((ObjectNode) wrong.get("data").get(0)).put("action", "Graded");
        assertThat(problems(wrong)).isNotEmpty();
    }

    @Test
    void everyMappedMoodleRowIsAValidCaliperEvent() throws RenderException {
        Formats formats = new Formats();
        Set<String> types = new HashSet<>();
        int sent = 0;
        for (ObjectNode row : MoodleFixtures.events()) {
            if (!formats.renders("caliper", row.get("eventname").asText(), row)) continue;
            JsonNode env = envelope(row);
            sent++;
            assertThat(problems(env)).as("%s %s: %s", row.get("id"), row.get("eventname"), env).isEmpty();
            JsonNode ev = env.get("data").get(0);
            assertThat(ev.at("/edApp/id").asText()).isEqualTo("https://lms.example.org");
            types.add(ev.get("type").asText() + " " + ev.get("action").asText());
        }
        assertThat(sent).isGreaterThanOrEqualTo(30);
        assertThat(types).contains("SessionEvent LoggedIn", "SessionEvent LoggedOut", "ViewEvent Viewed", "GradeEvent Graded",
                "AssignableEvent Completed", "Event Added");
    }

    @Test
    void aGradeIsAGradeEventWithItsScore() throws RenderException {
        ObjectNode row = MoodleFixtures.first("\\core\\event\\user_graded", 0);
        JsonNode ev = envelope(row).get("data").get(0);
        assertThat(ev.get("type").asText()).isEqualTo("GradeEvent");
        assertThat(ev.at("/object/assignee/id").asText()).endsWith("/user/profile.php?id=" + row.get("relateduserid").asText());
        assertThat(ev.at("/generated/scoreGiven").isNumber()).isTrue();
        assertThat(ev.at("/actor/type").asText()).isEqualTo("SoftwareApplication");
    }

    @Test
    void aCertificateHasNoCaliperEventAndIsNotRouted() {
        ObjectNode cert = Json.object().put("id", "c-1").put("type", "org.openedx.learning.certificate.created.v1");
        cert.putObject("data").putObject("certificate").putObject("user").put("id", 4);
        assertThat(new Formats().renders("caliper", cert.get("type").asText(), cert)).isFalse();
        assertThat(new Formats().renders("xapi", cert.get("type").asText(), cert)).isFalse(); // no course: no statement either
        assertThat(Formats.learningRecordFormats("\\core\\event\\user_loggedin")).containsExactly("xapi", "caliper");
    }
}

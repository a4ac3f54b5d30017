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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The xapi format: real Moodle 4.3 rows and Open edX events as xAPI 1.0.3 statements, valid against the specification's rules. */
class XapiFormatTest {
    private static final JsonNode SCHEMA_DOC = read("xapi/statement.schema.json");
    private static final SchemaChecker CHECKER = new SchemaChecker(SCHEMA_DOC);
    private final Renderer renderer = new Renderer();
    private final Service lrs = Specs.service("{\"site_url\": \"https://lms.example.org/\"}");
    private final Subscription xapi = Specs.subscription("{\"format\": \"xapi\"}");

    private static JsonNode read(String resource) {
        try {
            return Json.read(Files.readString(Path.of("src/test/resources", resource)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> problems(JsonNode statement) {
        ObjectNode schema = SCHEMA_DOC.deepCopy();
        schema.remove("$defs");
        List<String> out = new java.util.ArrayList<>(CHECKER.errors(schema, statement));
        JsonNode score = statement.path("result").path("score");
        if (score.has("raw") && score.has("min") && score.has("max")) { // what the schema cannot say
            double raw = score.get("raw").asDouble();
            if (raw < score.get("min").asDouble() || raw > score.get("max").asDouble()) out.add("raw outside [min, max]");
        }
        return out;
    }

    private JsonNode statement(ObjectNode event) throws RenderException {
        Rendered r = renderer.preview(null, event.deepCopy(), lrs, xapi).rendered();
        assertThat(r.headers()).containsEntry("X-Experience-API-Version", "1.0.3");
        assertThat(r.contentType()).isEqualTo("application/json");
        return Json.read(new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void theSpecificationsOwnExamplesPassTheSchemaAndABrokenOneDoesNot() {
        for (JsonNode example : read("xapi/spec-examples.json")) {
            ObjectNode e = ((ObjectNode) example).deepCopy();
            e.remove("$comment");
            assertThat(problems(e)).as(example.path("$comment").asText()).isEmpty();
        }
        ObjectNode twoIds = (ObjectNode) read("xapi/spec-examples.json").get(0).deepCopy();
        twoIds.remove("$comment");
        ((ObjectNode) twoIds.get("actor")).putObject("account").put("homePage", "http://x.example").put("name", "1");
        assertThat(problems(twoIds)).isNotEmpty(); // an agent has exactly one identifier
    }

    @Test
    void everyMappedMoodleRowIsAValidStatementAndTheOthersAreNotRouted() throws RenderException {
        Map<String, Integer> verbs = new HashMap<>();
        int mapped = 0;
        for (ObjectNode row : MoodleFixtures.events()) {
            String type = row.get("eventname").asText();
            boolean maps = new Formats().renders("xapi", type, row);
            if (!maps) continue;
            JsonNode s;
            try {
                s = statement(row);
            } catch (RenderException noLearner) { // a mapped event naming no learner (a grade removed, a cron action)
                continue;
            }
            mapped++;
            assertThat(problems(s)).as("%s %s: %s", row.get("id"), type, s).isEmpty();
            assertThat(s.at("/actor/account/homePage").asText()).isEqualTo("https://lms.example.org");
            assertThat(s.get("id").asText()).isEqualTo(XapiFormat.statementId(row.get("id").asText()));
            verbs.merge(s.at("/verb/display/en-US").asText(), 1, Integer::sum);
        }
        assertThat(mapped).isGreaterThanOrEqualTo(40);
        assertThat(verbs.keySet()).contains("completed", "scored", "enrolled", "logged-in", "logged-out", "viewed");
    }

    @Test
    void theIssuesMappingsCarryTheirResults() throws RenderException {
        JsonNode completed = statement(MoodleFixtures.first("\\core\\event\\course_completed", 0));
        assertThat(completed.at("/verb/id").asText()).isEqualTo("http://adlnet.gov/expapi/verbs/completed");
        assertThat(completed.at("/object/id").asText()).startsWith("https://lms.example.org/course/view.php?id=");
        assertThat(completed.at("/actor/account/name").asText()).isEqualTo(MoodleFixtures.first("\\core\\event\\course_completed", 0)
                .get("relateduserid").asText());

        JsonNode graded = statement(MoodleFixtures.first("\\core\\event\\user_graded", 0));
        assertThat(graded.at("/verb/id").asText()).isEqualTo("http://adlnet.gov/expapi/verbs/scored");
        assertThat(graded.at("/result/score/raw").isNumber()).as(graded.toString()).isTrue();

        JsonNode module = statement(MoodleFixtures.first("\\core\\event\\course_module_completion_updated", 0));
        assertThat(module.at("/object/id").asText()).contains("/mod/").contains("/view.php?id=");
        assertThat(module.at("/result/completion").asBoolean()).isTrue();
        assertThat(module.at("/context/contextActivities/parent/0/id").asText()).contains("/course/view.php?id=");

        JsonNode enrolled = statement(MoodleFixtures.first("\\core\\event\\user_enrolment_created", 0));
        assertThat(enrolled.at("/verb/id").asText()).isEqualTo("http://adlnet.gov/expapi/verbs/registered");
        JsonNode login = statement(MoodleFixtures.first("\\core\\event\\user_loggedin", 0));
        assertThat(login.at("/verb/id").asText()).isEqualTo("https://w3id.org/xapi/adl/verbs/logged-in");
        assertThat(login.at("/object/id").asText()).isEqualTo("https://lms.example.org");

        ObjectNode quiz = MoodleFixtures.first("\\core\\event\\user_loggedin", 0).deepCopy();
        quiz.put("eventname", "\\mod_quiz\\event\\attempt_submitted").put("component", "mod_quiz").put("contextlevel", 70)
                .put("contextinstanceid", 12).put("courseid", 3);
        JsonNode submitted = statement(quiz);
        assertThat(submitted.at("/object/definition/type").asText()).isEqualTo("http://adlnet.gov/expapi/activities/assessment");
        assertThat(submitted.at("/object/id").asText()).isEqualTo("https://lms.example.org/mod/quiz/view.php?id=12");
        assertThat(problems(submitted)).isEmpty();
    }

    @Test
    void openEdxEventsToo() throws RenderException {
        ObjectNode passing = Json.object().put("id", "edx-1").put("type", "org.openedx.learning.course.passing.status.updated.v1")
                .put("source", "openedx/lms/web").put("time", "2026-01-31T12:00:00Z");
        ObjectNode status = passing.putObject("data").putObject("course_passing_status").put("is_passing", true);
        status.putObject("user").put("id", 4).putObject("pii").put("email", "a@example.org");
        status.putObject("course").put("course_key", "course-v1:edX+DemoX+Demo_Course").put("display_name", "Demo");
        JsonNode s = statement(passing);
        assertThat(problems(s)).as(s.toString()).isEmpty();
        assertThat(s.at("/verb/id").asText()).isEqualTo("http://adlnet.gov/expapi/verbs/passed");
        assertThat(s.at("/object/id").asText()).isEqualTo("https://lms.example.org/courses/course-v1:edX+DemoX+Demo_Course");
        assertThat(s.at("/actor/account/name").asText()).isEqualTo("4");
        assertThat(s.toString()).doesNotContain("a@example.org");
    }

    @Test
    void aPseudonymizedLearnerIsThePseudonymInTheStatement() throws RenderException {
        Subscription pseudonymous = Specs.subscription("{\"format\": \"xapi\", \"privacy\": {\"pseudonymize\": [\"userid\", \"relateduserid\"]}}");
        ObjectNode row = MoodleFixtures.first("\\core\\event\\course_completed", 0);
        JsonNode s = Json.read(new String(renderer.preview(null, row.deepCopy(), lrs, pseudonymous).rendered().body(), StandardCharsets.UTF_8));
        assertThat(s.at("/actor/account/name").asText()).startsWith("psn_");
        assertThat(problems(s)).isEmpty();
    }

    @Test
    void aSubscriptionDroppingTheLearnerGetsNoStatementRatherThanADeadOne() {
        ObjectNode row = MoodleFixtures.first("\\core\\event\\course_completed", 0);
        String type = row.get("eventname").asText();
        assertThat(new Formats().renders("xapi", type, row, herald.subscription.Privacy.NONE)).isTrue();
        var dropLearner = new herald.subscription.Privacy(List.of("relateduserid", "userid"), List.of());
        assertThat(new Formats().renders("xapi", type, row, dropLearner)).isFalse();
        var pseudonymous = new herald.subscription.Privacy(List.of(), List.of("relateduserid", "userid"));
        assertThat(new Formats().renders("xapi", type, row, pseudonymous)).isTrue();
    }

    @Test
    void theCatalogSaysWhichEventsHaveAStatement() {
        assertThat(Formats.learningRecordFormats("\\core\\event\\course_completed")).contains("xapi");
        assertThat(Formats.learningRecordFormats("\\core\\event\\course_category_created")).isEmpty();
    }
}

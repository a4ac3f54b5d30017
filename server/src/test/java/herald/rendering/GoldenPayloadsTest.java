package herald.rendering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.catalog.SampleEvents;
import herald.json.Json;
import herald.testing.Events;
import herald.testing.MoodleFixtures;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each format and encoding against golden files, starting with the seed plugins' own examples. */
class GoldenPayloadsTest {
    private final Renderer renderer = new Renderer();
    private final SampleEvents samples = new SampleEvents();

    private String body(ObjectNode event, String service, String subscription) throws RenderException {
        Rendered r = renderer.preview(null, event, Specs.service(service), Specs.subscription(subscription)).rendered();
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void moodleCourseViewedIsTheLocalWebhooksGuideExampleByteForByte() throws RenderException {
        String body = body(Events.courseViewed(null), "{\"site_url\": \"http://localhost/moodle\"}", "{\"format\": \"moodle\"}");
        assertThat(body).isEqualTo("{\"eventname\":\"\\\\core\\\\event\\\\course_viewed\",\"component\":\"core\",\"action\":\"viewed\","
                + "\"target\":\"course\",\"objecttable\":null,\"objectid\":null,\"crud\":\"r\",\"edulevel\":2,\"contextid\":2,"
                + "\"contextlevel\":50,\"contextinstanceid\":\"1\",\"userid\":\"2\",\"courseid\":\"1\",\"relateduserid\":null,"
                + "\"anonymous\":0,\"other\":null,\"timecreated\":1512961456,\"host\":\"localhost\",\"token\":\"\",\"extra\":\"\"}");
        Golden.assertMatches("moodle/course_viewed.json", body);
    }

    @Test
    void moodleEscapesAsPhpAndTakesTheHostFromTheEventSourceWhenTheServiceHasNoSiteUrl() throws RenderException {
        ObjectNode event = MoodleFixtures.first("\\core\\event\\course_updated", 162);
        event.put("source", "https://lms.example.edu:8443/moodle/");
        String body = body(event, "{\"token\": \"t/1\", \"extra\": \"école\"}", "{\"format\": \"moodle\"}");
        assertThat(body).contains("\"host\":\"lms.example.edu\"", "\"token\":\"t\\/1\"", "\"extra\":\"\\u00e9cole\"");
        Golden.assertMatches("moodle/course_updated.json", body);
    }

    @Test
    void moodleFormBodiesInBothStyles() throws RenderException {
        ObjectNode event = MoodleFixtures.first("\\core\\event\\course_updated", 162);
        Golden.assertMatches("moodle/course_updated.form-underscore.txt",
                body(event, "{\"content_type\": \"form\"}", "{\"format\": \"moodle\"}"));
        Golden.assertMatches("moodle/course_updated.form-brackets.txt",
                body(event, "{\"content_type\": \"form\", \"form_style\": \"brackets\"}", "{\"format\": \"moodle\"}"));
    }

    @Test
    void noseyCourseUpdatedCarriesTheCourseRowWithNumericStringsAsNumbers() throws RenderException {
        ObjectNode event = MoodleFixtures.first("\\core\\event\\course_updated", 162);
        String body = body(event, "{}", "{\"format\": \"nosey\"}");
        var tree = Json.read(body);
        assertThat(tree.get("record").get("fullname").isTextual()).isTrue();
        assertThat(tree.get("event").get("objectid").isIntegralNumber()).isTrue();
        Golden.assertMatches("nosey/course_updated.json", body);
    }

    @Test
    void noseyCourseCategoryDeletedSendsRecordFalse() throws RenderException {
        ObjectNode event = MoodleFixtures.first("\\core\\event\\course_category_deleted", 162);
        String body = body(event, "{}", "{\"format\": \"nosey\"}");
        assertThat(Json.read(body).get("record").isBoolean()).isTrue();
        assertThat(body).contains(",\"record\":false");
        Golden.assertMatches("nosey/course_category_deleted.json", body);
    }

    @Test
    void noseySendsTheRecordsPortalIdWhereNoseyPutsItAndNoneAtTheTop() throws RenderException {
        ObjectNode event = MoodleFixtures.first("\\core\\event\\user_updated", 162);
        ((ObjectNode) event.get("record")).put("portalid", "20731"); // as a source adds it: the user's idnumber
        JsonNode tree = Json.read(body(event, "{}", "{\"format\": \"nosey\"}"));
        assertThat(tree.get("record").get("portalid").isIntegralNumber()).isTrue(); // JSON_NUMERIC_CHECK
        assertThat(tree.get("record").get("portalid").asLong()).isEqualTo(20731);
        assertThat(tree.has("portalid")).isFalse();
    }

    @Test
    void noseySaysNullWhenNobodyLookedForTheRecord() throws RenderException {
        ObjectNode event = MoodleFixtures.first("\\core\\event\\user_updated", 162);
        event.remove("record");
        assertThat(Json.read(body(event, "{}", "{\"format\": \"nosey\"}")).get("record").isNull()).isTrue();
    }

    @Test
    void openEdxLoginIsKeyedByItsDataClass() throws RenderException {
        ObjectNode login = samples.of("org.openedx.learning.auth.session.login.completed.v1").orElseThrow();
        String body = body(login, "{}", "{\"format\": \"openedx\"}");
        assertThat(Json.read(body).get("openedx_events.learning.data.UserData").get("pii").get("username").asText())
                .isEqualTo("andres");
        Golden.assertMatches("openedx/login.json", body);
        Golden.assertMatches("openedx/login.form-underscore.txt", body(login, "{\"content_type\": \"form\"}", "{\"format\": \"openedx\"}"));
    }

    @Test
    void teachbaseMapsTargetAndActionThroughTheSubscriptionsMapping() throws RenderException {
        ObjectNode event = MoodleFixtures.first("\\core\\event\\course_updated", 162);
        String body = body(event, "{}", "{\"format\": \"teachbase\", \"format_options\": {\"types\": {\"course\": \"course_stat\"}}}");
        var tree = Json.read(body);
        assertThat(tree.get("type").asText()).isEqualTo("course_stat");
        assertThat(tree.get("event").asText()).isEqualTo("updated");
        Golden.assertMatches("teachbase/course_updated.json", body);
    }

    @Test
    void cloudEventsIsStructuredJson() throws RenderException {
        ObjectNode event = MoodleFixtures.first("\\core\\event\\course_updated", 162);
        Rendered r = renderer.preview(null, event, Specs.service("{}"), Specs.subscription("{\"format\": \"cloudevents\"}")).rendered();
        assertThat(r.contentType()).isEqualTo("application/cloudevents+json");
        Golden.assertMatches("cloudevents/course_updated.json", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void templateFillsNestedFieldsAndDecodedOther() throws RenderException {
        ObjectNode event = MoodleFixtures.first("\\core\\event\\course_updated", 162);
        String template = """
                {"text": "{{other.fullname}} was updated by user {{userid}}",
                 "course": {{record.fullname}}, "id": {{objectid}}, "missing": {{record.nothing}},
                 "fields": [{{#other.updatedfields}}"{{summary}}"{{/other.updatedfields}}]}""";
        String body = body(event, "{}", Json.write(Json.object().put("format", "template").put("template", template)));
        Golden.assertMatches("template/course_updated.json", body);
    }

    @Test
    void getPutsTheFlatPayloadInTheQueryString() throws RenderException {
        Rendered r = renderer.preview(null, Events.courseViewed("q-1"), Specs.service("{\"method\": \"GET\"}"),
                Specs.subscription("{\"format\": \"moodle\", \"path\": \"/in?x=1\"}")).rendered();
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.body()).isEmpty();
        Golden.assertMatches("moodle/course_viewed.get-url.txt", r.url());
    }

    @Test
    void underscoreFlatteningIsOpenEdxs() throws RenderException {
        var payload = Json.read("{\"user\":{\"name\":\"andres\",\"active\":true,\"tags\":[1, 2.5, \"a'b\", null],"
                + "\"meta\":{}},\"user_name\":\"later\",\"n\":null,\"f\":false}");
        assertThat(FormEncoding.encode(FormEncoding.fields(payload, FormEncoding.Style.UNDERSCORE)))
                .isEqualTo("user_name=later&user_active=True&user_tags=%5B1%2C+2.5%2C+%22a%27b%22%2C+None%5D&n=None&f=False");
    }

    @Test
    void bracketsFlatteningIsWhatPhpParsesBack() throws RenderException {
        var payload = Json.read("{\"user\":{\"name\":\"andres\",\"active\":true},\"tags\":[\"a\",\"b c\"],"
                + "\"items\":[{\"id\":1},{\"id\":2}],\"none\":null,\"empty\":{}}");
        assertThat(FormEncoding.encode(FormEncoding.fields(payload, FormEncoding.Style.BRACKETS)))
                .isEqualTo("user[name]=andres&user[active]=1&tags[]=a&tags[]=b+c&items[0][id]=1&items[1][id]=2&none=");
    }
}

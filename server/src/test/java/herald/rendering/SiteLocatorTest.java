package herald.rendering;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.testing.Events;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SiteLocatorTest {

    @Test
    void theDefaultTakesTheSourceWhenItIsAnHttpUrl() {
        assertThat(SiteLocator.SOURCE_URL.siteUrl("https://lms.example.edu/moodle")).contains("https://lms.example.edu/moodle");
        assertThat(SiteLocator.SOURCE_URL.siteUrl("src_moodle_1")).isEmpty();
        assertThat(SiteLocator.SOURCE_URL.siteUrl(null)).isEmpty();
        assertThat(SiteLocator.host("http://127.0.0.1:8090/")).isEqualTo("127.0.0.1");
        assertThat(SiteLocator.host("not a url")).isEmpty();
    }

    @Test
    void aPluggedInLocatorGivesTheMoodleFormatItsHostAndTheDefaultCoversTheRest() throws RenderException {
        Map<String, String> sources = Map.of("src_1", "https://campus.example.org/lms");
        SiteLocator locator = ((SiteLocator) source -> Optional.ofNullable(sources.get(source))).orElse(SiteLocator.SOURCE_URL);
        Renderer renderer = new Renderer(new Formats(), Renderer.DEFAULT_MAX_PAYLOAD_BYTES, locator);
        var moodle = Specs.subscription("{\"format\": \"moodle\"}");
        var service = Specs.service("{}");

        var fromSource = Events.courseViewed("h-1").put("source", "src_1");
        var fromUrl = Events.courseViewed("h-2").put("source", "http://other.example:81/x");
        assertThat(host(renderer.preview(null, fromSource, service, moodle).rendered().body())).isEqualTo("campus.example.org");
        assertThat(host(renderer.preview(null, fromUrl, service, moodle).rendered().body())).isEqualTo("other.example");
        var withSiteUrl = Specs.service("{\"site_url\": \"https://wins.example/\"}");
        assertThat(host(renderer.preview(null, fromSource, withSiteUrl, moodle).rendered().body())).isEqualTo("wins.example");
    }

    private static String host(byte[] body) {
        return Json.read(new String(body, StandardCharsets.UTF_8)).get("host").asText();
    }
}

package herald.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Cli;
import herald.testing.TestHerald;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * local_webhooks backup files, written by PHP with the plugin's own expressions (v3: base64 of
 * gzcompress of serialize, events packed the same way; 4.0.0-rc: plain serialize), imported as
 * expected.json (next to them) says; bad ones refused whole with the reason.
 */
class LocalWebhooksImportTest {
    static final JsonNode EXPECTED = Json.read(text("expected.json"));

    static byte[] file(String name) {
        try (InputStream in = LocalWebhooksImportTest.class.getResourceAsStream("/local-webhooks/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(String name) {
        return new String(file(name), java.nio.charset.StandardCharsets.UTF_8);
    }

    static HttpResponse<String> post(TestHerald h, String query, byte[] body) throws Exception {
        var r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.herald().port() + "/api/v1/import/local-webhooks" + query))
                .header("Authorization", "Bearer " + TestHerald.ADMIN_KEY).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyGoodBackupBecomesItsServicesAndSubscriptions() throws Exception {
        for (String good : names(EXPECTED.get("good"))) {
            try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
                var r = post(h, "?site_url=https://moodle.example.edu", file(good));
                assertThat(r.statusCode()).as(good + ": " + r.body()).isEqualTo(200);
                JsonNode expected = EXPECTED.get("good").get(good).get("services");
                assertThat(Json.read(r.body()).get("services").asInt()).as(good).isEqualTo(expected.size());
                Api api = h.api();
                for (JsonNode e : expected) {
                    JsonNode want = e.get("service");
                    JsonNode svc = null;
                    for (JsonNode s : api.get("/api/v1/services?limit=500").json().get("items")) {
                        if (s.get("name").asText().equals(want.get("name").asText())) svc = s;
                    }
                    assertThat(svc).as(good + " " + want.get("name")).isNotNull();
                    for (String f : List.of("description", "url", "extra", "content_type", "enabled")) {
                        assertThat(svc.get(f)).as(good + " " + want.get("name") + " " + f).isEqualTo(want.get(f));
                    }
                    assertThat(svc.get("token").asText()).isEqualTo(want.get("token").asText().isEmpty() ? "" : "********");
                    assertThat(svc.get("site_url").asText()).isEqualTo("https://moodle.example.edu");
                    List<String> events = new ArrayList<>();
                    for (JsonNode sub : api.get("/api/v1/subscriptions?service_id=" + svc.get("id").asText()).json().get("items")) {
                        assertThat(sub.get("format").asText()).isEqualTo("moodle");
                        sub.get("events").forEach(ev -> events.add(ev.asText()));
                    }
                    List<String> wanted = new ArrayList<>();
                    e.get("subscriptions").forEach(s -> s.get("events").forEach(ev -> wanted.add(ev.asText())));
                    assertThat(events).as(good + " " + want.get("name")).containsExactlyInAnyOrderElementsOf(wanted);
                }
            }
        }
    }

    @Test
    void aBadFileIsRefusedWholeWithTheReason() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            for (String bad : names(EXPECTED.get("bad"))) {
                var r = post(h, "", file(bad));
                assertThat(r.statusCode()).as(bad + ": " + r.body()).isEqualTo(400);
                assertThat(Json.read(r.body()).get("type").asText()).isEqualTo("urn:herald:problem:invalid-request");
                assertThat(Json.read(r.body()).get("detail").asText()).as(bad).isNotBlank();
            }
            assertThat(Json.read(post(h, "", file("object-injection.backup")).body()).get("detail").asText())
                    .contains("Evil_Cls refused");
            assertThat(h.api().get("/api/v1/services").json().get("items")).isEmpty();
            String good = names(EXPECTED.get("good")).get(0);
            var badSite = Json.read(post(h, "?site_url=notaurl", file(good)).body());
            assertThat(badSite.get("errors")).as("the query parameter, named once").hasSize(1);
            assertThat(badSite.get("errors").get(0).get("field").asText()).isEqualTo("site_url");
        }
    }

    @Test
    void theCliImportsTheSameFile() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            Path f = Files.createTempFile("webhooks_", ".backup");
            Files.write(f, file("v3.backup"));
            Map<String, String> env = h.environment();
            var run = Cli.run(env, "import", "local-webhooks", f.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("imported 3 services");
            assertThat(h.api().get("/api/v1/services").json().get("items")).hasSize(3);
        }
    }

    private static List<String> names(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }
}

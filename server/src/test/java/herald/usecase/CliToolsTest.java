package herald.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.json.Json;
import herald.testing.Backend;
import herald.testing.Cli;
import herald.testing.Events;
import herald.testing.Receiver;
import herald.testing.TestHerald;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command line beside start/backup/restore: replay (as Integration Hub's replay_dlq.php) and verify. */
class CliToolsTest {

    @Test
    void replayMakesDeadLettersDueAgainByIdOrAll() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            receiver.answer(() -> 500);
            var svc = Json.object().put("name", "dlq").put("url", receiver.url());
            svc.putObject("retry").putArray("schedule_s");
            String id = h.api().post("/api/v1/services", svc).json().get("id").asText();
            var sub = Json.object().put("service_id", id);
            sub.putArray("events").add("*");
            h.api().post("/api/v1/subscriptions", sub);
            h.api().post("/api/v1/events", java.util.List.of(Events.courseViewed("dlq-1"), Events.courseViewed("dlq-2")));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    h.api().get("/api/v1/deliveries?status=dead").json().get("items").size() == 2);
            String one = h.api().get("/api/v1/events/dlq-1").json().get("deliveries").get(0).get("id").asText();
            receiver.answer(() -> 200);

            var byId = Cli.run(h.environment(), "replay", "--id", one);
            assertThat(byId.exitCode()).as(byId.err()).isZero();
            assertThat(byId.out()).contains("replayed " + one);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    h.api().get("/api/v1/deliveries/" + one).json().get("status").asText().equals("delivered"));
            var all = Cli.run(h.environment(), "replay", "--all");
            assertThat(all.exitCode()).as(all.err()).isZero();
            assertThat(all.out()).contains("replayed 1 delivery").doesNotContain("deliveries");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    h.api().get("/api/v1/deliveries?status=dead").json().get("items").isEmpty());
            assertThat(Cli.run(h.environment(), "replay").exitCode()).isEqualTo(2); // says what to give
        }
    }

    @Test
    void verifyChecksASavedRequestsSignatureAsAReceiverWould() throws Exception {
        try (TestHerald h = TestHerald.start(Backend.SQLITE); Receiver receiver = new Receiver()) {
            var created = h.api().post("/api/v1/services", Json.object().put("name", "v").put("url", receiver.url())).json();
            String secret = created.get("signing").get("secret").asText();
            var sub = Json.object().put("service_id", created.get("id").asText());
            sub.putArray("events").add("*");
            h.api().post("/api/v1/subscriptions", sub);
            h.api().post("/api/v1/events", Events.courseViewed("verify-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            var got = receiver.received().get(0);
            StringBuilder saved = new StringBuilder("POST / HTTP/1.1\r\n");
            got.headers().forEach((k, v) -> saved.append(k).append(": ").append(v.get(0)).append("\r\n"));
            saved.append("\r\n").append(got.body());
            Path file = Files.createTempFile("request", ".http");
            Files.writeString(file, saved, StandardCharsets.UTF_8);

            var ok = Cli.run(h.environment(), "verify", "--secret", secret, "--request", file.toString());
            assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out()).startsWith("valid");
            Files.writeString(file, saved.toString().replace("course_viewed", "course_deleted"), StandardCharsets.UTF_8);
            var tampered = Cli.run(h.environment(), "verify", "--secret", secret, "--request", file.toString());
            assertThat(tampered.exitCode()).isEqualTo(1);
            assertThat(tampered.out()).startsWith("invalid");
            Path secretFile = write(secret + "\n");
            var parts = Cli.run(h.environment(), "verify", "--secret-file", secretFile.toString(), "--id", got.header("webhook-id"),
                    "--timestamp", got.header("webhook-timestamp"), "--signature", got.header("webhook-signature"),
                    "--body", write(got.body()).toString());
            assertThat(parts.exitCode()).as(parts.out()).isZero();
        }
    }

    private static Path write(String body) throws Exception {
        Path f = Files.createTempFile("body", ".json");
        Files.writeString(f, body, StandardCharsets.UTF_8);
        return f;
    }
}

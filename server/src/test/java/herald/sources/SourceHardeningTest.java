package herald.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.testing.Backend;
import herald.testing.TestHerald;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sources are trusted configuration, yet their status is no port scanner and they never reach cloud metadata. */
class SourceHardeningTest {

    @Test
    void theStatusNamesTheKindOfFailureNotWhatTheFarEndSaid() throws Exception {
        try (ServerSocket banner = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             TestHerald h = TestHerald.start(Backend.SQLITE)) {
            Thread.ofVirtual().start(() -> {
                while (!banner.isClosed()) {
                    try (Socket s = banner.accept()) {
                        OutputStream out = s.getOutputStream();
                        out.write("SSH-2.0-OpenSSH_9.2p1 secret-banner-4af1\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            for (String scheme : List.of("mariadb", "postgresql")) {
                var body = SourceApiTest.source("banner-" + scheme)
                        .put("jdbc_url", "jdbc:" + scheme + "://127.0.0.1:" + banner.getLocalPort() + "/moodle");
                String id = h.api().post("/api/v1/sources", body).json().get("id").asText();
                String[] error = new String[1];
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    var st = h.api().get("/api/v1/sources/" + id + "/status").json();
                    error[0] = st.path("last_error").asText("");
                    return !error[0].isEmpty();
                });
                assertThat(error[0]).as(scheme).doesNotContain("secret-banner").doesNotContain("OpenSSH").hasSizeLessThan(200);
                assertThat(error[0]).as(scheme).containsAnyOf("Moodle database", "SQL state");
            }
        }
    }

    @Test
    void linkLocalAndMetadataHostsAreRefusedUnlessAllowed() {
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            for (String url : List.of("jdbc:mariadb://169.254.169.254:3306/moodle", "jdbc:postgresql://[fe80::1]:5432/moodle",
                    "jdbc:mysql://metadata.google.internal/moodle", "jdbc:mariadb://127.0.0.1:3306,169.254.1.1:3306/moodle",
                    // The hosts as the driver reads them: pgjdbc takes them from options over the authority, and both
                    // drivers split an authority at ',' whatever comes before it.
                    "jdbc:postgresql://127.0.0.1/moodle?PGHOST=169.254.169.254", "jdbc:postgresql://127.0.0.1/moodle?ssl=true&host=169.254.169.254",
                    "jdbc:postgresql://127.0.0.1;,169.254.169.254:5432/moodle", "jdbc:mariadb://127.0.0.1;,169.254.169.254:3306/moodle",
                    "jdbc:postgresql://127.0.0.1/moodle?socketFactory=org.example.Evil", "jdbc:mariadb://127.0.0.1/moodle?localSocket=/run/x")) {
                var r = h.api().post("/api/v1/sources", SourceApiTest.source("meta-" + url.hashCode()).put("jdbc_url", url));
                assertThat(r.status()).as(url).isEqualTo(400);
                assertThat(r.errorFields()).as(url).containsExactly("jdbc_url");
            }
        }
        try (TestHerald h = TestHerald.start(Backend.SQLITE, java.util.Map.of("HERALD_OUTBOUND_ALLOW", "169.254.0.0/16"))) {
            var r = h.api().post("/api/v1/sources", SourceApiTest.source("allowed")
                    .put("jdbc_url", "jdbc:mariadb://169.254.169.254:3306/moodle").put("enabled", false));
            assertThat(r.status()).as(r.text()).isEqualTo(201);
        }
    }
}

package herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import herald.inspector.Inspector;
import herald.testing.Backend;
import herald.testing.TestHerald;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The request inspector's receiving end: any method and path below a bin, bounded, unknown bins refused. */
class InspectorTest {

    @Test
    void aBinKeepsItsNewestHundredRequestsWhole() {
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, Map.of("HERALD_ADMIN_USER", "ada", "HERALD_ADMIN_PASSWORD",
                "correct-horse-battery", "HERALD_MAX_BODY_BYTES", "4096"))) {
            UiClient ui = new UiClient(herald.herald().port());
            ui.signIn("ada", "correct-horse-battery");
            var made = ui.postWithToken("/admin/inspector", Map.of("name", "probe"));
            assertThat(made.status()).isEqualTo(303);
            String bin = made.location().substring("/admin/inspector/".length());

            UiClient outsider = new UiClient(herald.herald().port()); // no session: a bin takes anyone's request
            for (int i = 0; i < 101; i++) {
                var r = outsider.send(i % 2 == 0 ? "POST" : "PUT", "/inspect/" + bin + "/deep/path?n=" + i,
                        ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                assertThat(r.status()).isEqualTo(200);
            }
            assertThat(outsider.send("POST", "/inspect/" + bin, new byte[] {(byte) 0xff, 0, 1}).status()).isEqualTo(200);
            assertThat(outsider.send("POST", "/inspect/nosuchbin", new byte[0]).status()).isEqualTo(404);
            assertThat(outsider.send("POST", "/inspect/" + bin, new byte[5000]).status()).isEqualTo(413);

            String page = ui.get("/admin/inspector/" + bin + "/requests").body();
            assertThat(Pattern.compile("class=\"attempt captured\"").matcher(page).results().count()).isEqualTo(100);
            assertThat(page).contains("(binary, base64) /wAB").contains("/deep/path?n=100").doesNotContain("n=1&").doesNotContain("?n=0\n");
            assertThat(ui.get("/admin/inspector/" + bin).body()).contains("/inspect/" + bin);
        }
    }

    @Test
    void aBinTakesBodiesUpToItsOwnLimitWhateverTheServersIs() {
        // A bin shows its 100 requests whole: at the server's 1 MiB each that was a 100 MiB page, every 3 s.
        try (TestHerald herald = TestHerald.start(Backend.SQLITE, Map.of("HERALD_ADMIN_USER", "ada", "HERALD_ADMIN_PASSWORD",
                "correct-horse-battery"))) {
            UiClient ui = new UiClient(herald.herald().port());
            ui.signIn("ada", "correct-horse-battery");
            String bin = ui.postWithToken("/admin/inspector", Map.of("name", "probe")).location().substring("/admin/inspector/".length());
            UiClient outsider = new UiClient(herald.herald().port());
            assertThat(outsider.send("POST", "/inspect/" + bin, new byte[Inspector.MAX_BODY_BYTES]).status()).isEqualTo(200);
            assertThat(outsider.send("POST", "/inspect/" + bin, new byte[Inspector.MAX_BODY_BYTES + 1]).status()).isEqualTo(413);
        }
    }
}

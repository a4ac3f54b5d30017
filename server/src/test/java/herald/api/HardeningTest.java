package herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The findings of the outside security and fuzz review, each as the request that showed it. */
class HardeningTest {
    static TestHerald herald;
    static Api api;
    static String serviceId;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(Backend.SQLITE);
        api = herald.api();
        // Nothing listens there: deliveries fail on loopback, and no name is looked up.
        var svc = api.post("/api/v1/services", Json.object().put("name", "hardening").put("url", "http://127.0.0.1:1/hook"));
        serviceId = svc.json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    @Test
    void timesOutOfRangeAreA400NamingTheField() {
        for (String time : List.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "10000-01-01T00:00:00Z")) {
            var r = api.post("/api/v1/events", List.of(Events.generic("ok-" + time.hashCode(), "t.ok"),
                    Events.generic("far-" + time.hashCode(), "t.far").put("time", time)));
            assertThat(r.status()).as(time).isEqualTo(400);
            assertThat(r.errorFields()).containsExactly("[1].time");
        }
        assertThat(api.get("/api/v1/deliveries?since=%2B999999999-12-31T23:59:59Z").status()).isEqualTo(400);
        var replay = api.post("/api/v1/deliveries/replay", Json.object().put("until", "-999999999-01-01T00:00:00Z"));
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.errorFields()).containsExactly("until");
    }

    @Test
    void pythonTimesAsOpenEdxWritesThemAreAccepted() {
        var r = api.post("/api/v1/events", Events.generic("py-time", "org.openedx.test").put("time", "2026-06-07 20:26:39.890251+00:00"));
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        assertThat(api.get("/api/v1/events/py-time").json().get("occurred_at").asText()).isEqualTo("2026-06-07T20:26:39.890Z");
    }

    @Test
    void aNullIdIsA400AndTheWholeBatchIsRefused() {
        var r = api.post("/api/v1/events", List.of(Events.generic("batch-ok", "t.ok"),
                Events.generic("x", "t.null").putNull("id")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().has("detail")).isTrue();
        assertThat(r.errorFields()).containsExactly("[1].id");
        assertThat(api.get("/api/v1/events/batch-ok").status()).isEqualTo(404);
    }

    @Test
    void idsThatAreNotValidUnicodeAreRefusedInsteadOfCollidingAsQuestionMarks() {
        String loneHigh = "{\"id\":\"dup-\\ud800\",\"type\":\"t.u\",\"data\":{}}";
        String loneLow = "{\"id\":\"dup-\\udc00\",\"type\":\"t.u\",\"data\":{}}";
        assertThat(api.post("/api/v1/events", loneHigh).status()).isEqualTo(400);
        var r = api.post("/api/v1/events", loneLow);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorFields()).containsExactly("id");
        var nul = api.post("/api/v1/events", "{\"id\":\"nul\",\"type\":\"t.u\",\"data\":{\"name\":\"a\\u0000b\"}}");
        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.errorFields()).containsExactly("data.name");
        // A pair is fine: it is one character beyond the BMP.
        assertThat(api.post("/api/v1/events", "{\"id\":\"ok-\\ud83d\\ude00\",\"type\":\"t.u\",\"data\":{}}").status()).isEqualTo(202);
        // An overlong spelling of '/' (C0 AF) or of '.' in three bytes (E0 80 AE) is not UTF-8.
        for (byte[] overlong : new byte[][] {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAE}}) {
            byte[] body = ("{\"id\":\"over\",\"type\":\"t" + "X".repeat(overlong.length) + "\",\"data\":{}}").getBytes(StandardCharsets.UTF_8);
            int at = new String(body, StandardCharsets.UTF_8).indexOf('X');
            System.arraycopy(overlong, 0, body, at, overlong.length);
            var refused = api.send("POST", "/api/v1/events", body);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.errorFields()).containsExactly("body");
        }
        // Real two- and three-byte characters are not overlong.
        assertThat(api.post("/api/v1/events", "{\"id\":\"ok-é-€\",\"type\":\"t.é€\",\"data\":{}}").status()).isEqualTo(202);
    }

    @Test
    void deepTemplatePathsAndDeepJsonAreRefusedWithTheLimit() {
        String deep = "a" + ".b".repeat(3000);
        ObjectNode sub = subscription().put("format", "template").put("template", "{\"x\": {{" + deep + "}}}");
        var create = api.post("/api/v1/subscriptions", sub);
        assertThat(create.status()).isEqualTo(400);
        assertThat(create.json().get("errors").get(0).get("message").asText()).contains("at most");
        var preview = api.post("/api/v1/subscriptions/preview", Json.object().put("event_type", "\\core\\event\\course_viewed")
                .set("subscription", sub));
        assertThat(preview.status()).isEqualTo(400);
        assertThat(preview.errorFields()).containsExactly("subscription.template");

        String nested = "[".repeat(5000) + "]".repeat(5000);
        var r = api.post("/api/v1/events", nested);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asText()).contains("nesting depth");
        var hugeExponent = api.post("/api/v1/events", "{\"id\":\"exp\",\"type\":\"t.e\",\"data\":{\"n\":1e999999999}}");
        assertThat(hugeExponent.status()).isEqualTo(400);
        assertThat(hugeExponent.errorFields()).containsExactly("data.n");
        // 1e399 is 5 bytes and is stored as 400 digits: a 1 MiB body of them ran the heap out, and 60 bodies of 63 KB
        // at once did too. Bounded, and nothing stored.
        String amplified = "{\"id\":\"amp\",\"type\":\"t.e\",\"data\":[" + String.join(",", java.util.Collections.nCopies(12_000, "1e399")) + "]}";
        var refused = api.post("/api/v1/events", amplified);
        assertThat(refused.status()).isEqualTo(400);
        // It may grow by its own size (at least 64 KiB): the number that passes that is named.
        long bound = Math.max(Json.MIN_NUMBER_GROWTH, amplified.getBytes(StandardCharsets.UTF_8).length);
        assertThat(refused.errorFields()).containsExactly("data[" + bound / 398 + "]");
        assertThat(api.get("/api/v1/events/amp").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/events", "{\"id\":\"amp-1\",\"type\":\"t.e\",\"data\":{\"n\":1e399}}").status()).isEqualTo(202);
        assertThat(api.get("/api/v1/events/amp-1").json().get("event").get("data").get("n").decimalValue()).isEqualByComparingTo("1e399");
    }

    /**
     * An all-digit step into an array too long for an int was parsed as one and threw: the filter's
     * event got a 503 "retry" for ever, the template's delivery crashed at every lease's end, and its
     * page and the preview answered 500. It is a step past the end of any array: missing.
     */
    @Test
    void anArrayIndexTooLongForAnIntIsAMissingStep() {
        ObjectNode filtered = Json.object().put("service_id", serviceId);
        filtered.putArray("events").add("t.index.filter");
        filtered.putObject("filter").putArray("all").addObject().put("path", "data.99999999999").put("exists", true);
        assertThat(api.post("/api/v1/subscriptions", filtered).status()).isEqualTo(201);
        var event = api.post("/api/v1/events", "{\"id\":\"idx-1\",\"type\":\"t.index.filter\",\"data\":[1,2,3]}");
        assertThat(event.status()).as(event.text()).isEqualTo(202);
        assertThat(api.get("/api/v1/events/idx-1").json().get("deliveries")).isEmpty();

        ObjectNode templated = Json.object().put("service_id", serviceId).put("format", "template")
                .put("template", "{\"x\": \"{{data.99999999999}}\", \"y\": {{data.1}}}");
        templated.putArray("events").add("t.index.template");
        assertThat(api.post("/api/v1/subscriptions", templated).status()).isEqualTo(201);
        ObjectNode previewed = Json.object().set("subscription", templated);
        previewed.set("event", Json.read("{\"id\":\"idx-p\",\"type\":\"t.index.template\",\"data\":[1,2,3]}"));
        var preview = api.post("/api/v1/subscriptions/preview", previewed);
        assertThat(preview.status()).as(preview.text()).isEqualTo(200);
        assertThat(preview.json().get("body").asText()).isEqualTo("{\"x\": \"\", \"y\": 2}");
        assertThat(api.post("/api/v1/events", "{\"id\":\"idx-2\",\"type\":\"t.index.template\",\"data\":[1,2,3]}").status())
                .isEqualTo(202);
        String delivery = api.get("/api/v1/events/idx-2").json().get("deliveries").get(0).get("id").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> api.get("/api/v1/deliveries/" + delivery).json().get("attempts").size() >= 1);
        var page = api.get("/api/v1/deliveries/" + delivery);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().get("attempts").get(0).get("request").get("body").asText()).isEqualTo("{\"x\": \"\", \"y\": 2}");
    }

    @Test
    void patternsWithManyStarsAreBoundedAndMatchWithoutBacktracking() {
        ObjectNode sub = subscription();
        sub.putArray("events").add("*a".repeat(17) + "*b");
        var tooMany = api.post("/api/v1/subscriptions", sub);
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.errorFields()).containsExactly("events[0]");

        ObjectNode ok = subscription();
        ok.putArray("events").add("*a*a*a*a*a*a*a*a*a*a*b");
        assertThat(api.post("/api/v1/subscriptions", ok).status()).isEqualTo(201);
        // The name that stalled ingest for 9.6 s against a backtracking matcher.
        var r = api.post("/api/v1/events", Events.generic("stars-1", "a".repeat(40)));
        assertThat(r.status()).isEqualTo(202);
        assertThat(api.get("/api/v1/events/stars-1").json().get("deliveries")).isEmpty();
        assertThat(api.post("/api/v1/events", Events.generic("stars-2", "a".repeat(39) + "b")).status()).isEqualTo(202);
        assertThat(api.get("/api/v1/events/stars-2").json().get("deliveries")).hasSize(1);
    }

    @Test
    void aSubscriptionPathCannotChangeTheHost() {
        for (String path : List.of("@127.0.0.1:9/", "//127.0.0.1:9/x", "/../x", "/a b")) {
            var r = api.post("/api/v1/subscriptions", subscription().put("path", path));
            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(r.errorFields()).as(path).containsExactly("path");
        }
    }

    @Test
    void nonCanonicalNumericHostsAreRefusedAtSave() {
        for (String host : List.of("0177.0.0.1", "0x7f.0.0.1", "2130706433", "127.1")) {
            var r = api.post("/api/v1/services", Json.object().put("name", "num-" + host.hashCode()).put("url", "http://" + host + "/x"));
            assertThat(r.status()).as(host).isEqualTo(400);
            assertThat(r.errorFields()).containsExactly("url");
        }
    }

    @Test
    void aPortNoRequestCouldUseIsRefusedAtSave() {
        for (String url : List.of("http://127.0.0.1:99999/", "https://127.0.0.1:0/x", "amqp://127.0.0.1:70000/%2F")) {
            var body = Json.object().put("name", "port-" + url.hashCode()).put("url", url);
            if (url.startsWith("amqp")) body.put("type", "amqp");
            var r = api.post("/api/v1/services", body);
            assertThat(r.status()).as(url).isEqualTo(400);
            assertThat(r.errorFields()).as(url).containsExactly("url");
            assertThat(r.text()).as(url).contains("port from 1 to 65535");
        }
    }

    @Test
    void aQueryParameterARouteDoesNotTakeIsA400NamingIt() {
        var typo = api.get("/api/v1/deliveries?service=svc_x");
        assertThat(typo.status()).as("a mistyped filter is not answered with the whole list").isEqualTo(400);
        assertThat(typo.errorFields()).containsExactly("service");
        assertThat(typo.text()).contains("service_id");
        assertThat(api.get("/api/v1/deliveries?service_id=svc_x&limit=5").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/services/svc_nope?verbose=1").errorFields()).containsExactly("verbose");
    }

    @Test
    void errorsJettyAnswersItselfAreProblemJson() throws IOException {
        String big = "x".repeat(20_000);
        List<String> requests = new java.util.ArrayList<>();
        // Jetty's own error page is for GET, POST and HEAD only: the other methods once got an empty 431
        for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
            requests.add(method + " / HTTP/1.1\r\nHost: a\r\nNot a header\r\n\r\n");          // 400 malformed request
            requests.add(method + " / HTTP/1.1\r\nHost: a\r\nX-Big: " + big + "\r\n\r\n");       // 431 headers too large
            requests.add(method + " /" + big + " HTTP/1.1\r\nHost: a\r\n\r\n");                  // 414 URI too long
            requests.add(method + " / HTTP/9.9\r\nHost: a\r\n\r\n");                            // 505
        }
        for (String request : requests) {
            String answer = raw(request);
            String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase();
            int status = Integer.parseInt(head.substring(9, 12));
            assertThat(status).as(head).isIn(400, 414, 431, 505);
            assertThat(head).contains("content-type: application/problem+json");
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertThat(Json.read(body).get("status").asInt()).isEqualTo(status);
            assertThat(Json.read(body).path("instance").asText("")).as("Jetty's own name for a bad message is not the request's")
                    .isNotEqualTo("/badMessage");
        }
    }

    @Test
    void metricsNeedAKeyWithTheReadOrMetricsScope() {
        assertThat(herald.api(null).get("/metrics").status()).isEqualTo(401);
        var body = Json.object().put("name", "prometheus");
        body.putArray("scopes").add("metrics");
        String key = api.post("/api/v1/api-keys", body).json().get("key").asText();
        var scrape = herald.api(key).get("/metrics");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.text()).contains("herald_events_ingested_total");
        assertThat(herald.api(key).get("/api/v1/services").status()).isEqualTo(403); // metrics only
    }

    @Test
    void metricsCanBeOpenedToAnyoneWhoReachesThePort() {
        try (TestHerald open = TestHerald.start(Backend.SQLITE, Map.of("HERALD_METRICS_PUBLIC", "true"))) {
            assertThat(open.api(null).get("/metrics").status()).isEqualTo(200);
        }
    }

    private static ObjectNode subscription() {
        ObjectNode sub = Json.object().put("service_id", serviceId);
        sub.putArray("events").add("*");
        return sub;
    }

    private static String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", herald.herald().port())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                    String text = got.toString(StandardCharsets.ISO_8859_1);
                    int end = text.indexOf("\r\n\r\n");
                    if (end > 0) {
                        var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
                        if (m.find() && text.length() >= end + 4 + Integer.parseInt(m.group(1))) break;
                    }
                }
            } catch (java.net.SocketException e) {
                // the server closes after an error; what came is the answer
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }
}

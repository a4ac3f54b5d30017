package herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Backend;
import herald.testing.Events;
import herald.testing.TestHerald;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Malformed and hostile requests, from a seeded generator, to ingest and every route: bad and deep
 * JSON, huge strings and numbers, wrong types, invalid UTF-8 and lone surrogates, duplicate keys,
 * template and pattern bombs, bad URLs, CIDRs and times. No answer may be a 5xx or take longer than
 * 2 s, health stays up, nothing is left half-created, and every acknowledged event can be read back.
 * {@code bench/fuzz.sh} runs the same with more requests ({@code -Dherald.fuzz.requests}).
 */
class FuzzTest {
    static final int REQUESTS = Integer.getInteger("herald.fuzz.requests", 5_000);
    static final long SEED = Long.getLong("herald.fuzz.seed", 20261206L);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void hostileRequestsGetNoServerErrorAndLeaveNothingHalfDone() throws Exception {
        // Deliveries stay off for the whole run: fuzzed services must not make Herald call anything.
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            assertThat(h.api().put("/api/v1/settings", Json.object().put("deliveries_enabled", false)).status()).isEqualTo(200);
            Fuzzer f = new Fuzzer(new Random(SEED), h);
            Map<String, Integer> statuses = new TreeMap<>();
            for (int i = 0; i < REQUESTS; i++) {
                Fuzzer.Call call = f.next();
                int status = f.send(call);
                statuses.merge(call.method() + " " + call.route() + " " + status, 1, Integer::sum);
                assertThat(status).as("request %d: %s %s %s", i, call.method(), call.path(), call.description()).isLessThan(500);
                if (i % 500 == 0) assertThat(f.send(new Fuzzer.Call("GET", "/health", "/health", null, "health"))).isEqualTo(200);
            }
            f.report(statuses);
            f.checkNothingHalfDone();
        }
    }

    /** The generator: which route, with what path, query and body. */
    static final class Fuzzer {
        record Call(String method, String route, String path, byte[] body, String description) {}

        private final Random random;
        private final TestHerald herald;
        private final List<String[]> routes = new ArrayList<>();
        private final List<String> ids = new ArrayList<>();
        private final Set<String> acknowledged = new HashSet<>();
        private int eventSeq;
        private String previous = "";
        private long slowestNanos;
        private String slowest = "";

        Fuzzer(Random random, TestHerald herald) {
            this.random = random;
            this.herald = herald;
            for (String[] r : herald.herald().routes()) {
                // The switch stays off (see the test), and a replace-restore of a valid document is no fuzz.
                if (r[1].equals("/api/v1/settings") && r[0].equals("PUT")) continue;
                routes.add(r);
            }
            var svc = herald.api().post("/api/v1/services", Json.object().put("name", "fuzz").put("url", "http://127.0.0.1:1/"));
            ids.add(svc.json().get("id").asText());
            var sub = Json.object().put("service_id", ids.get(0));
            sub.putArray("events").add("*");
            ids.add(herald.api().post("/api/v1/subscriptions", sub).json().get("id").asText());
        }

        Call next() {
            String[] route = random.nextInt(10) < 3 ? new String[] {"POST", "/api/v1/events"} : routes.get(random.nextInt(routes.size()));
            String path = route[1];
            while (path.contains("{")) {
                int a = path.indexOf('{'), b = path.indexOf('}', a);
                path = path.substring(0, a) + pathParam() + path.substring(b + 1);
            }
            if (random.nextInt(4) == 0) path += "?" + query();
            byte[] body = null;
            String description = "";
            if (!route[0].equals("GET") && !route[0].equals("DELETE") || random.nextInt(10) == 0) {
                String kind = pick("event", "event", "batch", "service", "subscription", "source", "preview", "replay", "raw",
                        "deep", "bytes", "key", "restore");
                description = kind;
                body = switch (kind) {
                    case "bytes" -> invalidUtf8();
                    case "raw" -> pick("", "{", "[", "null", "\"x\"", "{\"a\":1,\"a\":2}", "{\"id\":\"x\"}}", "1e99999",
                            "{\"id\":\"n\",\"type\":\"t\",\"data\":{\"n\":1e999999999}}",
                            "[" + "1,".repeat(2000) + "1]", "{\"type\":\"t\",\"id\":\"\\ud800\"}", "\u0000",
                            "{\"eventname\":\"\\\\core\\\\event\\\\x\",\"timecreated\":1e30}").getBytes(StandardCharsets.UTF_8);
                    case "deep" -> ("{\"a\":".repeat(40 + random.nextInt(200)) + "1" + "}".repeat(40 + random.nextInt(200)))
                            .getBytes(StandardCharsets.UTF_8);
                    default -> Json.write(document(kind)).getBytes(StandardCharsets.UTF_8);
                };
            }
            return new Call(route[0], route[1], path, body, description);
        }

        private JsonNode document(String kind) {
            ObjectNode doc = switch (kind) {
                case "event" -> event();
                case "service" -> Json.object().put("name", "s" + random.nextInt(1000)).put("url", "http://127.0.0.1:1/x");
                case "subscription" -> {
                    ObjectNode s = Json.object().put("service_id", ids.get(0)).put("format", pick("event", "moodle",
                            "nosey", "openedx", "teachbase", "cloudevents", "template"));
                    s.putArray("events").add("*");
                    yield s;
                }
                case "source" -> Json.object().put("name", "src" + random.nextInt(1000)).put("type", "moodle")
                        .put("jdbc_url", "jdbc:mariadb://127.0.0.1:1/moodle").put("enabled", false);
                case "preview" -> Json.object().put("event_type", "\\core\\event\\course_viewed").set("subscription",
                        Json.object().put("service_id", ids.get(0)).put("format", "template").put("template", "{}"));
                case "replay" -> Json.object().put("status", "dead");
                case "key" -> {
                    ObjectNode k = Json.object().put("name", "k");
                    k.putArray("scopes").add("read");
                    yield k;
                }
                case "restore" -> Json.object().put("format", "herald-backup").put("version", 1);
                default -> Json.object();
            };
            if (kind.equals("batch")) {
                ArrayNode batch = Json.MAPPER.createArrayNode();
                for (int i = 0; i < 1 + random.nextInt(5); i++) batch.add(mutate(event(), 1 + random.nextInt(3)));
                return batch;
            }
            return mutate(doc, random.nextInt(4));
        }

        private ObjectNode event() {
            String id = "fz-" + (eventSeq++);
            return random.nextBoolean() ? Events.courseViewed(id) : Events.generic(id, "fuzz.t" + random.nextInt(5));
        }

        /** {@code times} fields set to hostile values, at the top or one level down. */
        private ObjectNode mutate(ObjectNode doc, int times) {
            for (int i = 0; i < times; i++) {
                List<String> names = new ArrayList<>();
                doc.fieldNames().forEachRemaining(names::add);
                names.addAll(List.of("template", "events", "path", "url", "filter", "headers", "time", "timecreated",
                        "auth", "signing", "tls", "retry", "jdbc_url", "format_options", "scopes", "record", "other"));
                String field = names.get(random.nextInt(names.size()));
                if (field.equals("events") && random.nextBoolean()) {
                    doc.putArray("events").add(pick("*a".repeat(20) + "*b", "*a*a*a*a*a*a*a*a*a*a*b", "", "**", "\\core\\*"));
                } else {
                    doc.set(field, hostile());
                }
            }
            return doc;
        }

        private JsonNode hostile() {
            var f = Json.MAPPER.getNodeFactory();
            return switch (random.nextInt(24)) {
                case 0 -> f.nullNode();
                case 1 -> f.booleanNode(random.nextBoolean());
                case 2 -> f.numberNode(new java.math.BigDecimal("1e" + (300 + random.nextInt(9000))));
                case 3 -> f.numberNode(Long.MIN_VALUE);
                case 4 -> f.numberNode(new java.math.BigInteger("9".repeat(1 + random.nextInt(900))));
                case 5 -> f.textNode("");
                case 6 -> f.textNode("x".repeat(random.nextInt(300_000)));
                case 7 -> f.textNode("{{" + "a.".repeat(1 + random.nextInt(4000)) + "b}}");
                case 8 -> f.textNode("{{#a}}".repeat(1 + random.nextInt(100)) + "x");
                case 9 -> f.textNode(pick("http://0177.0.0.1/", "http://0x7f.1/", "http://2130706433/", "http://[::1", "http://@/",
                        "javascript:alert(1)", "http://127.0.0.1:99999/", "ftp://127.0.0.1/", "http://user:pw@127.0.0.1:1/",
                        "@127.0.0.1:9/", "//127.0.0.1/x", "/../../etc", "/a b", "/%zz"));
                case 10 -> f.textNode(pick("127.0.0.0/99", "::1/200", "1.2.3.4/-1", "not-a-cidr"));
                case 11 -> f.textNode(pick("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "2026-13-45T99:99:99Z",
                        "2026-01-31 12:00:00.123456+00:00", "yesterday"));
                case 12 -> f.textNode(pick("jdbc:mariadb://169.254.169.254/x", "jdbc:oracle:thin:@x", "jdbc:postgresql://[fe80::1]/x",
                        "jdbc:mysql://127.0.0.1:1/x?password=y", "jdbc:sqlite:/etc/passwd"));
                case 13 -> f.textNode("\ud800" + "x");
                case 14 -> f.textNode("a\u0000b");
                case 15 -> {
                    ObjectNode deep = Json.object();
                    ObjectNode cur = deep;
                    for (int i = 0; i < 30 + random.nextInt(30); i++) cur = cur.putObject("n");
                    yield deep;
                }
                case 16 -> {
                    ArrayNode a = Json.MAPPER.createArrayNode();
                    for (int i = 0; i < random.nextInt(3000); i++) a.add(i);
                    yield a;
                }
                case 17 -> {
                    ObjectNode o = Json.object();
                    for (int i = 0; i < random.nextInt(200); i++) o.put("h" + i + "\r\nX-Injected", "v\r\nx");
                    yield o;
                }
                case 18 -> Json.read("{\"all\":[{\"path\":\"" + "a.".repeat(500) + "b\",\"equals\":1}]}");
                case 19 -> Json.read("{\"type\":\"basic\",\"username\":\"a:b\",\"password\":\"\"}");
                case 20 -> Json.read("{\"schedule_s\":[" + "-1,".repeat(60) + "1]}");
                case 21 -> Json.read("{\"ca_pem\":\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\"}");
                case 22 -> f.textNode("\u202e\u0301\uffff\u00ff");
                default -> f.numberNode(random.nextDouble() * 1e300);
            };
        }

        private String pathParam() {
            return switch (random.nextInt(8)) {
                case 0, 1, 2 -> ids.get(random.nextInt(ids.size()));
                case 3 -> "x".repeat(1 + random.nextInt(3000));
                case 4 -> "%00";
                case 5 -> "..%2F..%2Fetc";
                case 6 -> "%E2%80%AE" + random.nextInt();
                default -> "fz-" + random.nextInt(eventSeq + 1);
            };
        }

        private String query() {
            return pick("limit=-1", "limit=999999999999", "cursor=%25%25", "cursor=" + "A".repeat(5000), "since=%2B999999999-12-31T23:59:59Z",
                    "status=bogus", "seen=maybe", "platform=" + "x".repeat(1000), "include_secrets=true", "mode=sideways",
                    "user_id=1&user_id=2", "event=%5Ccore%5C*");
        }

        private byte[] invalidUtf8() {
            byte[] b = ("{\"id\":\"u" + random.nextInt() + "\",\"type\":\"t\",\"data\":{\"s\":\"").getBytes(StandardCharsets.UTF_8);
            byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
            byte[] end = "\"}}".getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[b.length + bad.length + end.length];
            System.arraycopy(b, 0, out, 0, b.length);
            System.arraycopy(bad, 0, out, b.length, bad.length);
            System.arraycopy(end, 0, out, b.length + bad.length, end.length);
            return out;
        }

        @SafeVarargs
        private <T> T pick(T... options) {
            return options[random.nextInt(options.length)];
        }

        /**
         * The client may put a request on the connection of an answer that closed it (an early 400 to a
         * request whose body it was still sending) and read that body back as a status line (seen once
         * in four full runs): the same request once more, on a new connection, tells that from a server
         * that does not answer, which fails twice.
         */
        private HttpResponse<String> sendOnce(HttpRequest request) throws IOException, InterruptedException {
            try {
                return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ProtocolException reusedClosedConnection) {
                if (!previous.endsWith(" close")) throw reusedClosedConnection;
                return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            }
        }

        /** Sends the call within 2 s and returns the status; records what ingest acknowledged. */
        int send(Call c) throws IOException, InterruptedException {
            URI uri;
            try {
                uri = URI.create("http://127.0.0.1:" + herald.herald().port() + c.path());
            } catch (IllegalArgumentException e) {
                return 400; // a path the client library itself refuses to send
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(2)).header("Authorization", "Bearer " + TestHerald.ADMIN_KEY);
            b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
            HttpResponse<String> r;
            long started = System.nanoTime();
            try {
                r = sendOnce(b.build());
            } catch (HttpTimeoutException e) {
                throw new AssertionError("no answer within 2 s: " + c.method() + " " + c.path() + " " + c.description(), e);
            } catch (IOException e) {
                throw new AssertionError("no answer (after " + previous + "): " + c.method() + " " + abbreviated(c.path()) + " " + c.description() + " "
                        + (c.body() == null ? "" : abbreviated(new String(c.body(), java.nio.charset.StandardCharsets.UTF_8))), e);
            } catch (IllegalArgumentException e) {
                return 400; // a path the client library itself refuses to send
            }
            previous = c.method() + " " + abbreviated(c.path()) + " " + c.description() + " -> " + r.statusCode() + " "
                    + r.headers().firstValue("Connection").orElse("");
            long took = System.nanoTime() - started;
            if (took > slowestNanos) {
                slowestNanos = took;
                slowest = c.method() + " " + c.route() + " " + c.description();
            }
            if (r.statusCode() >= 400) {
                assertThat(r.headers().firstValue("Content-Type").orElse("")).as("%s %s", c.method(), c.path())
                        .startsWith("application/problem+json");
            }
            if (c.route().equals("/api/v1/events") && c.method().equals("POST") && r.statusCode() == 202) {
                Json.read(r.body()).get("ids").forEach(id -> acknowledged.add(id.asText()));
            }
            return r.statusCode();
        }

        private static String abbreviated(String s) {
            return s.length() > 300 ? s.substring(0, 300) + "…(" + s.length() + " chars)" : s;
        }

        void report(Map<String, Integer> statuses) {
            Map<String, Integer> byStatus = new LinkedHashMap<>();
            statuses.forEach((k, n) -> byStatus.merge(k.substring(k.lastIndexOf(' ') + 1), n, Integer::sum));
            System.out.println("fuzz: " + REQUESTS + " requests, seed " + SEED + ", statuses " + byStatus + ", events acknowledged "
                    + acknowledged.size() + ", slowest answer " + slowestNanos / 1_000_000 + " ms (" + slowest + ")");
        }

        void checkNothingHalfDone() {
            var api = herald.api();
            for (String id : acknowledged) {
                assertThat(api.get("/api/v1/events/" + URLs.encode(id)).status()).as("acknowledged event %s", id).isEqualTo(200);
            }
            Set<String> services = new HashSet<>();
            for (JsonNode s : all("/api/v1/services")) {
                services.add(s.get("id").asText());
                assertThat(api.get("/api/v1/services/" + s.get("id").asText()).status()).isEqualTo(200);
            }
            for (JsonNode s : all("/api/v1/subscriptions")) {
                assertThat(services).as("subscription %s's service", s.get("id")).contains(s.get("service_id").asText());
            }
            for (JsonNode s : all("/api/v1/sources")) {
                assertThat(api.get("/api/v1/sources/" + s.get("id").asText()).status()).isEqualTo(200);
            }
        }

        private List<JsonNode> all(String path) {
            List<JsonNode> out = new ArrayList<>();
            String cursor = null;
            do {
                JsonNode page = herald.api().get(path + "?limit=500" + (cursor == null ? "" : "&cursor=" + cursor)).json();
                page.get("items").forEach(out::add);
                cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            } while (cursor != null);
            return out;
        }
    }

    /** Path segments as the API reads them. */
    static final class URLs {
        static String encode(String s) {
            return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }
}

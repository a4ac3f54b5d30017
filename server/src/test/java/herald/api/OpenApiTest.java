package herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.SchemaChecker;
import herald.testing.TestHerald;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI description served at {@code GET /api/v1/openapi.json}
 * ({@code src/main/resources/openapi/openapi.json}): a valid OpenAPI 3.1 document, describing every
 * route the server registers, whose every example validates against its schema, and whose schemas
 * and permissions are what a real Herald answers and enforces.
 *
 * <p>Examples are checked by {@link SchemaChecker}, a validator of the JSON Schema 2020-12 keywords the
 * document uses (swagger-parser has no validator, and the one that comes with it knows only draft 4). It
 * refuses keywords it does not know, so a schema can never pass because a keyword was skipped.
 */
class OpenApiTest {
    static final String RESOURCE = "/openapi/openapi.json";
    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    static final Set<String> PERMISSIONS = Set.of("READ", "INGEST", "ADMIN", "METRICS", "GATEWAY");

    static String text;
    static JsonNode doc;
    static SchemaChecker checker;
    static TestHerald herald;
    static final Map<String, String> keys = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = OpenApiTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as("the resource %s", RESOURCE).isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        doc = Json.MAPPER.readTree(text);
        checker = new SchemaChecker(doc);
        herald = TestHerald.start(Backend.SQLITE);
        for (String scope : List.of("read", "ingest", "metrics")) {
            var body = Json.object().put("name", "openapi " + scope);
            body.putArray("scopes").add(scope);
            var r = herald.api().post("/api/v1/api-keys", body);
            assertThat(r.status()).isEqualTo(201);
            keys.put(scope, r.json().get("key").asText());
        }
    }

    @AfterAll
    static void stop() {
        if (herald != null) herald.close();
    }

    // ------------------------------------------------------------------------------------------
    // the document itself

    @Test
    void isAValidOpenApi31Document() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
        assertThat(result.getMessages()).as("swagger-parser's messages").isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.1.");
        assertThat(result.getOpenAPI().getInfo().getTitle()).isEqualTo("Herald");
        assertThat(result.getOpenAPI().getPaths()).isNotEmpty();
    }

    @Test
    void carriesTheProjectsVersion() throws IOException {
        Path pom = Path.of("pom.xml"); // the server module's, where Surefire runs
        assertThat(pom).as("Surefire runs in the server module").exists();
        Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL).matcher(Files.readString(pom));
        assertThat(m.find()).isTrue();
        assertThat(doc.at("/info/version").asText()).isEqualTo(m.group(1));
    }

    @Test
    void everyOperationSaysWhatItNeedsAndAnswers() {
        List<String> problems = new ArrayList<>();
        Set<String> operationIds = new HashSet<>();
        forEachOperation((method, path, op) -> {
            String where = method.toUpperCase(Locale.ROOT) + " " + path;
            if (!operationIds.add(op.path("operationId").asText(""))) problems.add(where + ": missing or repeated operationId");
            boolean open = op.has("security") && op.get("security").isEmpty();
            if (!open) {
                if (!PERMISSIONS.contains(op.path("x-herald-permission").asText())) {
                    problems.add(where + ": x-herald-permission must be one of " + PERMISSIONS);
                }
                JsonNode security = op.has("security") ? op.get("security") : doc.get("security");
                if (security == null || !security.toString().contains("bearerAuth")) problems.add(where + ": no bearerAuth");
                for (String code : List.of("401", "403")) {
                    if (!op.path("responses").has(code)) problems.add(where + ": no " + code + " answer");
                }
            }
            if (path.startsWith("/api/") && !op.path("responses").has("503")) problems.add(where + ": no 503 answer");
            boolean success = false;
            for (Iterator<String> it = op.path("responses").fieldNames(); it.hasNext(); ) {
                String code = it.next();
                if (code.startsWith("2")) success = true;
                JsonNode response = resolve(op.path("responses").get(code));
                if (!response.has("content")) {
                    if (!code.equals("204")) problems.add(where + " " + code + ": no content (only a 204 answers nothing)");
                    continue;
                }
                checkMediaTypes(response.get("content"), where + " " + code, problems);
            }
            if (!success) problems.add(where + ": no 2xx answer");
            if (op.has("requestBody")) checkMediaTypes(resolve(op.get("requestBody")).path("content"), where + " body", problems);
        });
        assertThat(problems).as("operations lacking something").isEmpty();
    }

    /** Every body and answer has a schema and at least one example. */
    private static void checkMediaTypes(JsonNode content, String where, List<String> problems) {
        if (content.isEmpty()) problems.add(where + ": no media type");
        content.fields().forEachRemaining(e -> {
            JsonNode mt = e.getValue();
            if (!mt.has("schema")) problems.add(where + " " + e.getKey() + ": no schema");
            boolean example = mt.has("example") || (mt.has("examples") && !mt.get("examples").isEmpty())
                    || resolve(mt.path("schema")).has("examples");
            if (!example) problems.add(where + " " + e.getKey() + ": no example");
        });
    }

    @Test
    void everyExampleValidatesAgainstItsSchema() {
        List<ExampleCheck> examples = examples();
        assertThat(examples).as("examples found").hasSizeGreaterThan(100);
        List<String> failures = new ArrayList<>();
        for (ExampleCheck e : examples) {
            if (e.value() == null) {
                failures.add(e.where() + ": an example without a value (externalValue is not checked)");
                continue;
            }
            checker.errors(e.schema(), e.value()).forEach(err -> failures.add(e.where() + ": " + err));
        }
        assertThat(failures).as("examples that do not validate").isEmpty();
    }

    @Test
    void usesOnlyKeywordsTheCheckerKnows() {
        List<String> problems = new ArrayList<>();
        forEachSchema((where, schema) -> checker.unknownKeywords(schema).forEach(k -> problems.add(where + ": " + k)));
        assertThat(problems).isEmpty();
    }

    /** The checker must catch a wrong example, or the test above proves nothing. */
    @Test
    void theCheckerCatchesWrongExamples() {
        ObjectNode service = (ObjectNode) example("/api/v1/services/{id}", "get", "200", "application/json");
        assertThat(checker.errors(schemaOf("/api/v1/services/{id}", "get", "200"), service)).isEmpty();

        ObjectNode wrongEnum = service.deepCopy().put("method", "FETCH");
        ObjectNode missing = service.deepCopy();
        missing.remove("url");
        ObjectNode unknown = service.deepCopy().put("colour", "blue");
        ObjectNode wrongType = service.deepCopy().put("timeout_ms", "10s");
        ObjectNode badTime = service.deepCopy().put("created_at", "yesterday");
        ObjectNode badAuth = service.deepCopy();
        ((ObjectNode) badAuth.get("auth")).put("type", "oauth");
        ObjectNode badRetry = service.deepCopy();
        badRetry.putObject("retry").put("preset", "default").putArray("schedule_s").add(5);
        ObjectNode tooSmall = service.deepCopy().put("timeout_ms", 5);
        ObjectNode badName = service.deepCopy().put("name", "no spaces allowed");
        for (JsonNode wrong : List.of(wrongEnum, missing, unknown, wrongType, badTime, badAuth, badRetry, tooSmall, badName)) {
            assertThat(checker.errors(schemaOf("/api/v1/services/{id}", "get", "200"), wrong)).as(wrong.toString()).isNotEmpty();
        }
        JsonNode ingestSchema = resolve(doc.at("/paths/~1api~1v1~1events/post/requestBody")).at("/content/application~1json/schema");
        assertThat(checker.errors(ingestSchema, Json.read("{\"type\": \"x.y\", \"data\": {}}"))).as("generic without id").isNotEmpty();
        assertThat(checker.errors(ingestSchema, Json.read("[]"))).as("empty batch").isNotEmpty();
        assertThat(checker.errors(ingestSchema, Json.read("{\"eventname\": \"\\\\core\\\\event\\\\course_viewed\"}"))).isEmpty();
        assertThat(checker.errors(ingestSchema, Json.read("{\"eventname\": \"core_viewed\"}"))).as("no backslash").isNotEmpty();
        assertThat(checker.errors(ingestSchema, Json.read("{\"eventname\": \"\\\\a\\\\b\", \"crud\": \"x\"}"))).isNotEmpty();
        JsonNode problemSchema = Json.read("{\"$ref\": \"#/components/schemas/Problem\"}");
        assertThat(checker.errors(problemSchema, Json.read("{\"type\": \"about:blank\", \"title\": \"Not Found\", "
                + "\"status\": 404, \"detail\": \"x\"}"))).as("type outside urn:herald:problem").isNotEmpty();
        assertThat(checker.errors(Json.read("{\"foo\": 1}"), Json.read("1"))).as("unknown keyword").isNotEmpty();
    }

    // ------------------------------------------------------------------------------------------
    // the document against a real Herald

    @Test
    void everyRegisteredRouteIsDescribed() {
        List<String[]> routes = herald.herald().routes();
        assertThat(routes).hasSizeGreaterThan(25);
        Set<String> described = describedOperations();
        List<String> missing = new ArrayList<>();
        for (String[] route : routes) {
            String key = route[0].toLowerCase(Locale.ROOT) + " " + template(route[1]);
            if (!described.contains(key)) missing.add(route[0] + " " + route[1]);
        }
        assertThat(missing).as("routes the document does not describe").isEmpty();
    }

    @Test
    void everyDescribedOperationIsARegisteredRoute() {
        Set<String> registered = registeredRoutes();
        List<String> extra = new ArrayList<>();
        for (String op : describedOperations()) if (!registered.contains(op)) extra.add(op);
        assertThat(extra).as("operations the server does not register").isEmpty();
    }

    @Test
    void isServedAsItIs() {
        var r = herald.api(keys.get("read")).get("/api/v1/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(Json.read(r.text())).isEqualTo(doc);
    }

    /** What {@code x-herald-permission} says is what the server enforces. */
    @Test
    void permissionsAreTheOnesTheServerEnforces() {
        Set<String> registered = registeredRoutes();
        List<String> wrong = new ArrayList<>();
        forEachOperation((method, path, op) -> {
            String permission = op.path("x-herald-permission").asText(null);
            if (permission == null || !registered.contains(method + " " + template(path))) return;
            String m = method.toUpperCase(Locale.ROOT);
            String concrete = path.replaceAll("\\{[^}]+}", "x");
            String body = m.equals("GET") || m.equals("DELETE") ? null : "{}";
            List<String> allowed = switch (permission) {
                case "READ" -> List.of("read");
                case "INGEST" -> List.of("ingest");
                case "METRICS" -> List.of("metrics", "read");
                default -> List.of();
            };
            for (String scope : List.of("read", "ingest", "metrics")) {
                int status = herald.api(keys.get(scope)).send(m, concrete, body).status();
                boolean refused = status == 401 || status == 403;
                if (allowed.contains(scope) == refused) {
                    wrong.add(m + " " + path + " (" + permission + ") with a " + scope + " key answered " + status);
                }
            }
        });
        assertThat(wrong).isEmpty();
    }

    /** A real Herald's answers validate against the schemas the document gives for their status. */
    @Test
    void realAnswersMatchTheDocument() {
        Set<String> registered = registeredRoutes();
        List<String> failures = new ArrayList<>();
        Api admin = herald.api();
        Conformance c = new Conformance(failures);

        c.check("get", "/health", new Api(herald.herald().port(), null).get("/health"));
        c.check("get", "/metrics", admin.get("/metrics"));
        c.check("get", "/api/v1/services", herald.api(null).get("/api/v1/services"));
        c.check("post", "/api/v1/services", herald.api(keys.get("read")).post("/api/v1/services", "{}"));

        var svc = c.check("post", "/api/v1/services", admin.post("/api/v1/services", Json.read("""
                {"name": "openapi-receiver", "url": "http://127.0.0.1:9/hook", "auth": {"type": "bearer", "token": "t0ken-t0ken"},
                 "headers": {"X-Tenant": "school-12"}, "site_url": "https://moodle.example.edu"}""")));
        String svcId = svc.path("id").asText();
        c.check("post", "/api/v1/services", admin.post("/api/v1/services", "{\"name\": \"bad name\", \"url\": \"ftp://x\"}"));
        c.check("post", "/api/v1/services", admin.post("/api/v1/services", "{\"name\": \"openapi-receiver\", \"url\": \"https://a.example\"}"));
        c.check("post", "/api/v1/services", admin.post("/api/v1/services", "{\"name\": \"x\", "));
        c.check("get", "/api/v1/services", admin.get("/api/v1/services?limit=1"));
        c.check("get", "/api/v1/services", admin.get("/api/v1/services?limit=0"));
        c.check("get", "/api/v1/services/{id}", admin.get("/api/v1/services/" + svcId));
        c.check("get", "/api/v1/services/{id}", admin.get("/api/v1/services/svc_nope"));
        c.check("patch", "/api/v1/services/{id}", admin.patch("/api/v1/services/" + svcId, "{\"description\": \"via PATCH\"}"));
        c.check("put", "/api/v1/services/{id}", admin.put("/api/v1/services/" + svcId, svc.toString()));
        c.check("post", "/api/v1/services/{id}/signing/rotate", admin.post("/api/v1/services/" + svcId + "/signing/rotate", null));
        c.check("post", "/api/v1/services/{id}/pause", admin.post("/api/v1/services/" + svcId + "/pause", null));
        c.check("post", "/api/v1/services/{id}/resume", admin.post("/api/v1/services/" + svcId + "/resume", null));
        c.check("post", "/api/v1/services/{id}/disable", admin.post("/api/v1/services/" + svcId + "/disable", null));
        c.check("post", "/api/v1/services/{id}/enable", admin.post("/api/v1/services/" + svcId + "/enable", null));
        if (registered.contains("post /api/v1/services/{}/breaker/reset")) {
            c.check("post", "/api/v1/services/{id}/breaker/reset", admin.post("/api/v1/services/" + svcId + "/breaker/reset", null));
        }

        var sub = c.check("post", "/api/v1/subscriptions", admin.post("/api/v1/subscriptions",
                "{\"service_id\": \"" + svcId + "\", \"events\": [\"*\"], \"filter\": {\"any\": [{\"path\": \"userid\", \"exists\": true},"
                        + " {\"path\": \"type\", \"exists\": true}]}}"));
        String subId = sub.path("id").asText();
        c.check("post", "/api/v1/subscriptions", admin.post("/api/v1/subscriptions", "{\"service_id\": \"svc_nope\", \"events\": [\"*\"]}"));
        c.check("post", "/api/v1/subscriptions", admin.post("/api/v1/subscriptions",
                "{\"service_id\": \"" + svcId + "\", \"events\": [\"*\"], \"format\": \"template\", \"template\": \"{{#a}}\"}"));
        c.check("get", "/api/v1/subscriptions", admin.get("/api/v1/subscriptions?service_id=" + svcId));
        c.check("get", "/api/v1/subscriptions/{id}", admin.get("/api/v1/subscriptions/" + subId));
        c.check("patch", "/api/v1/subscriptions/{id}", admin.patch("/api/v1/subscriptions/" + subId, "{\"path\": \"/moodle\"}"));
        c.check("post", "/api/v1/subscriptions/preview", admin.post("/api/v1/subscriptions/preview",
                "{\"subscription_id\": \"" + subId + "\", \"event_type\": \"\\\\core\\\\event\\\\course_viewed\"}"));
        c.check("post", "/api/v1/subscriptions/preview", admin.post("/api/v1/subscriptions/preview",
                "{\"subscription\": {\"service_id\": \"" + svcId + "\", \"format\": \"template\", \"template\": \"{\\\"a\\\": }\"},"
                        + " \"event_type\": \"\\\\core\\\\event\\\\course_viewed\"}"));

        // The document's own ingest examples, as a client would send them.
        JsonNode batch = example("/api/v1/events", "post", null, "application/json", "batch");
        JsonNode withRecord = example("/api/v1/events", "post", null, "application/json", "moodleWithRecord");
        c.check("post", "/api/v1/events", herald.api(keys.get("ingest")).post("/api/v1/events", batch));
        c.check("post", "/api/v1/events", herald.api(keys.get("ingest")).post("/api/v1/events", batch));
        c.check("post", "/api/v1/events", herald.api(keys.get("ingest")).post("/api/v1/events", withRecord));
        c.check("post", "/api/v1/events", herald.api(keys.get("ingest")).post("/api/v1/events", "[{\"eventname\": \"\\\\a\\\\b\", \"timecreated\": \"x\"}]"));
        c.check("get", "/api/v1/events", admin.get("/api/v1/events?limit=2"));
        c.check("get", "/api/v1/events", admin.get("/api/v1/events?since=yesterday"));
        String eventId = batch.get(0).get("id").asText();
        c.check("get", "/api/v1/events/{id}", admin.get("/api/v1/events/" + eventId));
        c.check("get", "/api/v1/events/{id}", admin.get("/api/v1/events/evt-nope"));

        // A delivery that failed (nothing listens on port 9): its attempts and request preview.
        await().atMost(Duration.ofSeconds(30)).until(() ->
                admin.get("/api/v1/deliveries?service_id=" + svcId).json().path("items").findValues("attempts").stream()
                        .anyMatch(n -> n.asInt() > 0));
        var deliveries = c.check("get", "/api/v1/deliveries", admin.get("/api/v1/deliveries?service_id=" + svcId));
        c.check("get", "/api/v1/deliveries", admin.get("/api/v1/deliveries?status=lost"));
        for (JsonNode d : deliveries.path("items")) {
            c.check("get", "/api/v1/deliveries/{id}", admin.get("/api/v1/deliveries/" + d.path("id").asText()));
        }
        c.check("get", "/api/v1/deliveries/{id}", admin.get("/api/v1/deliveries/msg_nope"));
        c.check("post", "/api/v1/deliveries/replay", admin.post("/api/v1/deliveries/replay", "{\"status\": \"dead\", \"service_id\": \""
                + svcId + "\", \"since\": \"2026-01-31T00:00:00Z\"}"));

        c.check("get", "/api/v1/settings", admin.get("/api/v1/settings"));
        c.check("put", "/api/v1/settings", admin.put("/api/v1/settings", "{\"deliveries_enabled\": true}"));
        c.check("put", "/api/v1/settings", admin.put("/api/v1/settings", "{\"enabled\": true}"));
        c.check("get", "/api/v1/api-keys", admin.get("/api/v1/api-keys"));
        c.check("get", "/api/v1/api-keys", admin.get("/api/v1/api-keys?limit=1"));
        c.check("get", "/api/v1/filter-types", admin.get("/api/v1/filter-types?limit=2"));
        c.check("get", "/api/v1/audit", admin.get("/api/v1/audit?limit=2")); // its ids are strings, as the contract says ids are
        c.check("post", "/api/v1/api-keys", admin.post("/api/v1/api-keys", "{\"name\": \"openapi extra\", \"scopes\": [\"read\"]}"));
        c.check("post", "/api/v1/api-keys", admin.post("/api/v1/api-keys", "{\"name\": \"openapi bad\", \"scopes\": [\"root\"]}"));
        c.check("get", "/api/v1/event-types", admin.get("/api/v1/event-types?platform=moodle"));
        // The whole catalog, every platform: Herald's own and Teachbase's types were outside the schema.
        c.check("get", "/api/v1/event-types", admin.get("/api/v1/event-types?limit=5000"));
        if (registered.contains("get /api/v1/event-types/{}")) {
            c.check("get", "/api/v1/event-types/{name}", admin.get("/api/v1/event-types/"
                    + URLEncoder.encode("\\core\\event\\course_viewed", StandardCharsets.UTF_8)));
            c.check("get", "/api/v1/event-types/{name}", admin.get("/api/v1/event-types/"
                    + URLEncoder.encode("\\local_nothing\\event\\nothing_happened", StandardCharsets.UTF_8)));
            c.check("get", "/api/v1/event-types/{name}", admin.get("/api/v1/event-types/"
                    + URLEncoder.encode("org.openedx.learning.auth.session.login.completed.v1", StandardCharsets.UTF_8)));
            // A name only seen in ingest: no human name, no sample.
            herald.api(keys.get("ingest")).post("/api/v1/events", "{\"eventname\": \"\\\\local_openapi\\\\event\\\\badge_printed\"}");
            c.check("get", "/api/v1/event-types/{name}", admin.get("/api/v1/event-types/"
                    + URLEncoder.encode("\\local_openapi\\event\\badge_printed", StandardCharsets.UTF_8)));
        }
        c.check("get", "/api/v1/event-types", admin.get("/api/v1/event-types?limit=2"));
        c.check("get", "/api/v1/event-types", admin.get("/api/v1/event-types?limit=0"));
        c.check("get", "/api/v1/subscriptions", admin.get("/api/v1/subscriptions?event="
                + URLEncoder.encode("\\core\\event\\course_viewed", StandardCharsets.UTF_8)));

        var src = c.check("post", "/api/v1/sources", admin.post("/api/v1/sources",
                "{\"name\": \"openapi-site\", \"jdbc_url\": \"jdbc:mariadb://127.0.0.1:9/moodle\", \"user\": \"herald_reader\","
                        + " \"password\": \"a long random password\", \"site_url\": \"https://moodle.example.edu\"}"));
        String srcId = src.path("id").asText();
        c.check("post", "/api/v1/sources", admin.post("/api/v1/sources", "{\"name\": \"x\", \"jdbc_url\": \"jdbc:oracle://db/x\"}"));
        c.check("get", "/api/v1/sources", admin.get("/api/v1/sources"));
        c.check("get", "/api/v1/sources/{id}", admin.get("/api/v1/sources/" + srcId));
        c.check("get", "/api/v1/sources/{id}/status", admin.get("/api/v1/sources/" + srcId + "/status"));
        c.check("post", "/api/v1/sources/{id}/disable", admin.post("/api/v1/sources/" + srcId + "/disable", null));
        c.check("patch", "/api/v1/sources/{id}", admin.patch("/api/v1/sources/" + srcId, "{\"poll_ms\": 5000}"));

        var backup = c.check("get", "/api/v1/backup", admin.get("/api/v1/backup"));
        c.check("get", "/api/v1/backup", herald.api(keys.get("read")).get("/api/v1/backup?include_secrets=true"));
        c.check("post", "/api/v1/restore", admin.post("/api/v1/restore?mode=merge", backup));
        c.check("post", "/api/v1/restore", admin.post("/api/v1/restore", "{\"format\": \"herald-backup\", \"version\": 2}"));

        if (registered.contains("post /api/v1/import/local-webhooks")) {
            String file = example("/api/v1/import/local-webhooks", "post", null, "text/plain", "backup").asText();
            var imported = sendText("/api/v1/import/local-webhooks", "text/plain", file);
            if (imported.status() != 200) failures.add("the document's local_webhooks backup was refused: " + imported.text());
            c.check("post", "/api/v1/import/local-webhooks", imported);
            c.check("post", "/api/v1/import/local-webhooks", sendText("/api/v1/import/local-webhooks", "text/plain", "not a backup"));
        }

        // The document's own request examples are accepted, as a client copying them would expect.
        for (String name : exampleNames("/api/v1/services", "post")) {
            var r = admin.post("/api/v1/services", example("/api/v1/services", "post", null, "application/json", name));
            if (r.status() != 201) failures.add("the createService example '" + name + "' was refused: " + r.text());
            c.check("post", "/api/v1/services", r);
        }
        for (String name : exampleNames("/api/v1/subscriptions", "post")) {
            ObjectNode body = (ObjectNode) example("/api/v1/subscriptions", "post", null, "application/json", name).deepCopy();
            body.put("service_id", svcId);
            var r = admin.post("/api/v1/subscriptions", body);
            if (r.status() != 201) failures.add("the createSubscription example '" + name + "' was refused: " + r.text());
            c.check("post", "/api/v1/subscriptions", r);
        }
        for (String name : exampleNames("/api/v1/sources", "post")) {
            var r = admin.post("/api/v1/sources", example("/api/v1/sources", "post", null, "application/json", name));
            if (r.status() != 201) failures.add("the createSource example '" + name + "' was refused: " + r.text());
            c.check("post", "/api/v1/sources", r);
            if (r.status() == 201) admin.post("/api/v1/sources/" + r.json().path("id").asText() + "/disable", null);
        }
        for (String name : exampleNames("/api/v1/api-keys", "post")) {
            var r = admin.post("/api/v1/api-keys", example("/api/v1/api-keys", "post", null, "application/json", name));
            if (r.status() != 201) failures.add("the createApiKey example '" + name + "' was refused: " + r.text());
            c.check("post", "/api/v1/api-keys", r);
        }

        c.check("delete", "/api/v1/subscriptions/{id}", admin.delete("/api/v1/subscriptions/" + subId));
        c.check("delete", "/api/v1/sources/{id}", admin.delete("/api/v1/sources/" + srcId));
        c.check("delete", "/api/v1/services/{id}", admin.delete("/api/v1/services/" + svcId));
        c.check("delete", "/api/v1/services/{id}", admin.delete("/api/v1/services/" + svcId));
        assertThat(c.checked).as("answers checked").isGreaterThan(50);
        assertThat(failures).as("answers that do not match the document").isEmpty();
    }

    /** Checks answers against the document's schema for their operation and status. */
    private static final class Conformance {
        final List<String> failures;
        int checked;

        Conformance(List<String> failures) {
            this.failures = failures;
        }

        /** The answer's JSON (a missing node when it has none). */
        JsonNode check(String method, String path, Api.Response r) {
            checked++;
            String where = method.toUpperCase(Locale.ROOT) + " " + path + " " + r.status();
            JsonNode op = doc.path("paths").path(path).path(method);
            if (op.isMissingNode()) {
                failures.add(where + ": no such operation in the document");
                return Json.MAPPER.missingNode();
            }
            JsonNode response = op.path("responses").get(Integer.toString(r.status()));
            if (response == null) response = op.path("responses").get("default");
            if (response == null) {
                failures.add(where + ": the status is not documented (" + r.text() + ")");
                return Json.MAPPER.missingNode();
            }
            response = resolve(response);
            if (!response.has("content")) {
                if (!r.text().isEmpty()) failures.add(where + ": documented without a body, answered " + r.text());
                return Json.MAPPER.missingNode();
            }
            String type = r.contentType().split(";")[0].trim();
            JsonNode mt = response.get("content").get(type);
            if (mt == null) {
                failures.add(where + ": content type " + type + " is not documented");
                return Json.MAPPER.missingNode();
            }
            JsonNode value;
            if (type.endsWith("json")) {
                try {
                    value = Json.MAPPER.readTree(r.text());
                } catch (IOException e) {
                    failures.add(where + ": not JSON: " + r.text());
                    return Json.MAPPER.missingNode();
                }
            } else {
                value = Json.MAPPER.getNodeFactory().textNode(r.text());
            }
            for (String err : checker.errors(mt.get("schema"), value)) failures.add(where + ": " + err + "\n    in " + r.text());
            return value;
        }
    }

    private static Api.Response sendText(String path, String contentType, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + herald.herald().port() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TestHerald.ADMIN_KEY)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            return new Api.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------
    // walking the document

    interface OperationVisitor {
        void visit(String method, String path, JsonNode operation);
    }

    static void forEachOperation(OperationVisitor visitor) {
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(m -> {
            if (METHODS.contains(m.getKey())) visitor.visit(m.getKey(), p.getKey(), m.getValue());
        }));
    }

    /** "get /api/v1/services/{}": a path with its parameters' names left out, Javalin's or OpenAPI's. */
    static String template(String path) {
        return path.replaceAll("\\{[^}]*}", "{}").replaceAll("<[^>]*>", "{}");
    }

    static Set<String> describedOperations() {
        Set<String> out = new TreeSet<>();
        forEachOperation((method, path, op) -> out.add(method + " " + template(path)));
        return out;
    }

    static Set<String> registeredRoutes() {
        Set<String> out = new TreeSet<>();
        for (String[] route : herald.herald().routes()) out.add(route[0].toLowerCase(Locale.ROOT) + " " + template(route[1]));
        return out;
    }

    /** Follows a local {@code $ref} (to a response, request body, parameter, example, header...). */
    static JsonNode resolve(JsonNode node) {
        for (int hops = 0; node != null && node.has("$ref") && hops < 20; hops++) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) throw new IllegalStateException("not a local reference: " + ref);
            node = doc.at(ref.substring(1));
            if (node.isMissingNode()) throw new IllegalStateException("dangling reference: " + ref);
        }
        return node;
    }

    static JsonNode schemaOf(String path, String method, String status) {
        JsonNode r = resolve(doc.path("paths").path(path).path(method).path("responses").path(status));
        return r.path("content").path("application/json").path("schema");
    }

    /** The first example (or the one named) of a response (status) or of the request body (status null). */
    static JsonNode example(String path, String method, String status, String mediaType, String... name) {
        JsonNode op = doc.path("paths").path(path).path(method);
        JsonNode holder = status == null ? resolve(op.path("requestBody")) : resolve(op.path("responses").path(status));
        JsonNode mt = holder.path("content").path(mediaType);
        if (mt.has("example")) return mt.get("example");
        JsonNode examples = mt.path("examples");
        JsonNode e = name.length > 0 ? examples.get(name[0]) : examples.elements().next();
        assertThat(e).as("example %s of %s %s", List.of(name), method, path).isNotNull();
        return resolve(e).get("value");
    }

    /** The names of a request body's examples. */
    static List<String> exampleNames(String path, String method) {
        List<String> out = new ArrayList<>();
        resolve(doc.path("paths").path(path).path(method).path("requestBody")).path("content").path("application/json")
                .path("examples").fieldNames().forEachRemaining(out::add);
        assertThat(out).as("examples of %s %s", method, path).isNotEmpty();
        return out;
    }

    record ExampleCheck(String where, JsonNode schema, JsonNode value) {}

    /** Every example of the document, with the schema it must validate against. */
    static List<ExampleCheck> examples() {
        List<ExampleCheck> out = new ArrayList<>();
        forEachOperation((method, path, op) -> {
            String at = method.toUpperCase(Locale.ROOT) + " " + path;
            List<JsonNode> parameters = new ArrayList<>();
            doc.path("paths").path(path).path("parameters").forEach(parameters::add);
            op.path("parameters").forEach(parameters::add);
            for (JsonNode p : parameters) {
                JsonNode param = resolve(p);
                addExamples(out, at + " parameter " + param.path("name").asText(), param.get("schema"), param);
            }
            if (op.has("requestBody")) {
                resolve(op.get("requestBody")).path("content").fields().forEachRemaining(mt ->
                        addExamples(out, at + " request " + mt.getKey(), mt.getValue().get("schema"), mt.getValue()));
            }
            op.path("responses").fields().forEachRemaining(r -> {
                JsonNode response = resolve(r.getValue());
                response.path("content").fields().forEachRemaining(mt -> addExamples(out,
                        at + " " + r.getKey() + " " + mt.getKey(), mt.getValue().get("schema"), mt.getValue()));
                response.path("headers").fields().forEachRemaining(h -> {
                    JsonNode header = resolve(h.getValue());
                    addExamples(out, at + " " + r.getKey() + " header " + h.getKey(), header.get("schema"), header);
                });
            });
        });
        // Examples inside schemas (the JSON Schema "examples" keyword), against the schema that holds them.
        forEachSchema((where, schema) -> {
            if (schema.has("examples")) {
                int n = 0;
                for (JsonNode v : schema.get("examples")) out.add(new ExampleCheck(where + " examples[" + n++ + "]", schema, v));
            }
            if (schema.has("example")) out.add(new ExampleCheck(where + " example", schema, schema.get("example")));
        });
        return out;
    }

    /** The examples of a media type, parameter or header ({@code holder}), against {@code schema}. */
    private static void addExamples(List<ExampleCheck> out, String where, JsonNode schema, JsonNode holder) {
        if (schema == null) {
            if (holder.has("example") || holder.has("examples")) out.add(new ExampleCheck(where + ": examples without a schema",
                    Json.read("false"), holder));
            return;
        }
        if (holder.has("example")) out.add(new ExampleCheck(where + " example", schema, holder.get("example")));
        holder.path("examples").fields().forEachRemaining(e ->
                out.add(new ExampleCheck(where + " examples." + e.getKey(), schema, resolve(e.getValue()).get("value"))));
    }

    interface SchemaVisitor {
        void visit(String where, JsonNode schema);
    }

    /** Every schema of the document: the components' and the inline ones, and every schema inside them. */
    static void forEachSchema(SchemaVisitor visitor) {
        doc.path("components").path("schemas").fields().forEachRemaining(e ->
                walkSchema("#/components/schemas/" + e.getKey(), e.getValue(), visitor));
        List<JsonNode> holders = new ArrayList<>();
        doc.path("components").path("parameters").forEach(holders::add);
        doc.path("components").path("headers").forEach(holders::add);
        forEachOperation((method, path, op) -> {
            String at = method.toUpperCase(Locale.ROOT) + " " + path;
            op.path("parameters").forEach(p -> {
                if (!p.has("$ref")) walkSchema(at + " parameter " + p.path("name").asText(), p.path("schema"), visitor);
            });
            if (op.has("requestBody") && !op.get("requestBody").has("$ref")) {
                op.get("requestBody").path("content").fields().forEachRemaining(mt ->
                        walkSchema(at + " request " + mt.getKey(), mt.getValue().path("schema"), visitor));
            }
            op.path("responses").fields().forEachRemaining(r -> {
                if (r.getValue().has("$ref")) return;
                r.getValue().path("content").fields().forEachRemaining(mt ->
                        walkSchema(at + " " + r.getKey() + " " + mt.getKey(), mt.getValue().path("schema"), visitor));
                r.getValue().path("headers").forEach(h -> {
                    if (!h.has("$ref")) walkSchema(at + " " + r.getKey() + " header", h.path("schema"), visitor);
                });
            });
        });
        doc.path("components").path("responses").fields().forEachRemaining(r -> {
            r.getValue().path("content").fields().forEachRemaining(mt ->
                    walkSchema("#/components/responses/" + r.getKey(), mt.getValue().path("schema"), visitor));
            r.getValue().path("headers").forEach(h -> holders.add(h));
        });
        for (JsonNode h : holders) walkSchema("a parameter or header", h.path("schema"), visitor);
    }

    private static void walkSchema(String where, JsonNode schema, SchemaVisitor visitor) {
        if (schema == null || !schema.isObject()) return;
        visitor.visit(where, schema);
        schema.path("properties").fields().forEachRemaining(e -> walkSchema(where + "." + e.getKey(), e.getValue(), visitor));
        for (String k : List.of("items", "additionalProperties", "not")) {
            if (schema.has(k)) walkSchema(where + "/" + k, schema.get(k), visitor);
        }
        for (String k : List.of("allOf", "anyOf", "oneOf")) {
            int n = 0;
            for (JsonNode s : schema.path(k)) walkSchema(where + "/" + k + "[" + n++ + "]", s, visitor);
        }
    }

}

package herald.api;

import herald.config.HeraldConfig.HttpSettings;
import herald.json.Json;
import herald.json.TreeBudget;
import herald.problem.Problem;
import herald.usecase.UseCases;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.event.HandlerMetaInfo;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP edge: Javalin (on Jetty) serving the REST API under {@code /api/v1}, {@code /health} and
 * {@code /metrics}, with ingest in front of it ({@link IngestHandler}). Every route is declared with
 * its {@link Permission}; every error is answered as an RFC 9457 problem.
 */
public final class ApiServer {
    private final Javalin web;
    private final Traffic traffic;
    private final List<HandlerMetaInfo> routes = new ArrayList<>();
    private final PageRoutes pages;

    /** {@code pages}: the admin UI, served by the same server under its own prefixes. */
    public ApiServer(HttpSettings http, UseCases useCases, Auth auth, Traffic traffic, PrometheusMeterRegistry metrics,
                     PageRoutes pages) {
        this.pages = pages;
        this.traffic = traffic;
        long maxBody = http.maxBodyBytes();
        TreeBudget trees = new TreeBudget(http.requestMemory());
        IngestHandler ingest = new IngestHandler(traffic, auth, useCases.ingest(), maxBody, trees);
        this.web = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = maxBody;
            // Responses are small JSON; deciding per response whether to compress cost ~5% of ingest CPU.
            cfg.http.compressionStrategy = CompressionStrategy.NONE;
            cfg.http.prefer405over404 = true; // a known path with another method: 405, as api.md lists it
            cfg.jetty.host = http.host();
            cfg.jetty.port = http.port();
            cfg.events.handlerAdded(routes::add);
            // POST /api/v1/events is served in front of Javalin (see IngestHandler for why); Javalin
            // attaches its servlet context inside the server's handler when that is a wrapper.
            cfg.jetty.modifyServer(server -> {
                server.setHandler(ingest);
                server.setErrorHandler(new ProblemErrorHandler()); // errors Jetty answers before any route
            });
            var r = cfg.routes;
            r.before(ctx -> {
                if (traffic.draining() && !ctx.path().equals("/health")) throw traffic.drainingProblem();
                ctx.attribute("herald.start", traffic.begin());
                ctx.attribute(Requests.TREES, trees.charge());
            });
            r.before("/api/*", auth::authenticate);
            r.beforeMatched(auth::authorize);
            byte[] openApi = openApi(); // read once: served as it is, and the routes' query parameters taken from it
            QueryParameters queryParameters = new QueryParameters(openApi);
            r.beforeMatched(queryParameters::check);
            r.after(ctx -> {
                drainBody(ctx);
                Requests.charge(ctx).close(); // the request's trees are let go
                Long start = ctx.attribute("herald.start");
                if (start == null) return;
                // The route matched, not ctx.endpoint(): in an after-handler that is the after-handler ("*").
                var matched = ctx.endpoints().matchedHttpEndpoint();
                traffic.end(ctx.method().name(), matched == null ? "unmatched" : matched.path, ctx.statusCode(), start);
            });
            r.exception(Exception.class, (e, ctx) -> {
                if (pages.owns(ctx.path())) pages.error(e, ctx);
                else Responses.problem(ctx, Responses.problemFor(e, ctx.path()));
            });
            r.error(404, ctx -> {
                if (pages.owns(ctx.path())) {
                    if (ctx.endpoints().matchedHttpEndpoint() == null) pages.notFound(ctx);
                } else if (!isProblem(ctx)) {
                    Responses.problem(ctx, new Problem(Problem.Kind.NOT_FOUND, "no such route: " + ctx.method().name() + " " + ctx.path()));
                }
            });
            r.error(405, ctx -> {
                if (pages.owns(ctx.path())) pages.notFound(ctx); // a person's browser: a page, not a problem document
                else if (!isProblem(ctx)) {
                    String allowed = String.join(", ", allowedOn(ctx.path()));
                    if (!allowed.isEmpty()) ctx.header("Allow", allowed); // RFC 9110 asks a 405 to say what is allowed
                    Responses.problem(ctx, new Problem(Problem.Kind.METHOD_NOT_ALLOWED,
                            ctx.method().name() + " is not allowed on " + ctx.path() + (allowed.isEmpty() ? "" : ": " + allowed)));
                }
            });
            r.error(413, ctx -> {
                if (!isProblem(ctx)) Responses.problem(ctx, new Problem(Problem.Kind.TOO_LARGE,
                        "the body is larger than the limit of " + maxBody + " bytes"));
            });
            r.get("/health", ctx -> {
                String health = traffic.health();
                Responses.json(ctx, health.equals("up") ? 200 : 503, Json.object().put("status", health));
            });
            // Prometheus sends its key as a bearer token; HERALD_METRICS_PUBLIC opens the page to anyone who reaches the port.
            r.get("/metrics", ctx -> {
                if (!http.metricsPublic()) {
                    auth.authorize(auth.authenticate(ctx.header("Authorization")), Permission.METRICS, "GET", "/metrics");
                }
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
            });
            ApiRoutes api = new ApiRoutes(r);
            new EventRoutes(useCases.events(), useCases.deliveries()).register(api);
            new ServiceRoutes(useCases.services(), useCases.testSend(), useCases.gateway(), maxBody).register(api);
            new SubscriptionRoutes(useCases.subscriptions(), maxBody).register(api);
            new SettingsRoutes(useCases.settings()).register(api);
            new DeliveryRoutes(useCases.deliveries(), maxBody).register(api);
            new CatalogRoutes(useCases.catalog()).register(api);
            new KeyRoutes(useCases.keys()).register(api);
            new BackupRoutes(useCases.backup(), useCases.imports(), maxBody).register(api);
            new SourceRoutes(useCases.sources(), useCases.openedxSources(), maxBody).register(api);
            new WebfilterRoutes(useCases.webfilters(), maxBody).register(api);
            new HookRoutes(useCases.hooks(), maxBody).register(api, r);
            new AuditRoutes(useCases.audit()).register(api);
            new ErasureRoutes(useCases.erasure()).register(api);
            api.get("/api/v1/openapi.json", Permission.READ, ctx -> ctx.contentType("application/json").result(openApi));
            pages.register(r);
        });
    }

    /** The OpenAPI 3.1 description of every route, kept beside the code (a test checks it covers every route). */
    private static byte[] openApi() {
        try (var in = ApiServer.class.getResourceAsStream("/openapi/openapi.json")) {
            return in == null ? "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8) : in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read openapi/openapi.json", e);
        }
    }

    /**
     * Reads what is left of a request body no handler read (a 404 for a POST, say) before the
     * answer goes: closing with unread data makes TCP reset the connection, and the client then
     * loses the answer it was sent. Bounded by the largest body allowed.
     */
    private static void drainBody(Context ctx) {
        try (var in = ctx.req().getInputStream()) {
            byte[] sink = new byte[8192];
            while (in.read(sink) > 0) {
                // discard
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the client went away or the body was over the limit: nothing to keep the connection for
        }
    }

    private static boolean isProblem(Context ctx) {
        String ct = ctx.res().getContentType();
        return ct != null && ct.startsWith(Responses.PROBLEM_JSON);
    }

    public void start() {
        web.start();
    }

    public int port() {
        return web.port();
    }

    /** The methods the routes matching {@code path} take ({@code {id}} matches one path segment). */
    private List<String> allowedOn(String path) {
        java.util.TreeSet<String> methods = new java.util.TreeSet<>();
        for (String[] route : routes()) {
            String pattern = java.util.Arrays.stream(route[1].split("/", -1))
                    .map(seg -> seg.startsWith("{") && seg.endsWith("}") ? "[^/]+" : java.util.regex.Pattern.quote(seg))
                    .collect(java.util.stream.Collectors.joining("/"));
            if (path.matches(pattern)) methods.add(route[0]);
        }
        return List.copyOf(methods);
    }

    /** Every HTTP route served, as {method, path}, for tests that must cover them all. */
    public List<String[]> routes() {
        List<String[]> out = new ArrayList<>();
        out.add(new String[] {IngestHandler.METHOD, IngestHandler.PATH});
        for (HandlerMetaInfo m : routes) {
            if (pages.owns(m.getPath())) continue; // the admin UI's pages are not part of the API
            if (m.getHttpMethod() != HandlerType.BEFORE && m.getHttpMethod() != HandlerType.AFTER
                    && m.getHttpMethod() != HandlerType.BEFORE_MATCHED && m.getHttpMethod().isHttpMethod()) {
                out.add(new String[] {m.getHttpMethod().name(), m.getPath()});
            }
        }
        return out;
    }

    /**
     * Refuses new requests (503, and {@code /health} says draining) and waits (up to 30 s) for those
     * being served to be answered. The port stays open until {@link #stop}: a load balancer sees
     * the node draining rather than gone while its deliveries finish.
     */
    public void drain() {
        traffic.drain();
        long deadline = System.currentTimeMillis() + 30_000;
        while (traffic.inFlight() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** Drains (if not done yet), then closes the port. */
    public void stop() {
        drain();
        web.stop();
    }
}

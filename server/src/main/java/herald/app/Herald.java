package herald.app;

import herald.admin.ApiKeyRoutes;
import herald.admin.PreviewRoutes;
import herald.admin.ServiceRoutes;
import herald.admin.SettingsRoutes;
import herald.admin.SubscriptionRoutes;
import herald.backup.BackupRoutes;
import herald.backup.BackupService;
import herald.catalog.EventCatalog;
import herald.catalog.EventTypeRoutes;
import herald.catalog.SampleEvents;
import herald.config.HeraldConfig;
import herald.delivery.DeliveryRoutes;
import herald.delivery.DeliveryStore;
import herald.delivery.Dispatcher;
import herald.delivery.OutboundGuard;
import herald.delivery.Retention;
import herald.delivery.Settings;
import herald.event.Json;
import herald.ingest.EventQueries;
import herald.ingest.EventRoutes;
import herald.ingest.EventWriter;
import herald.ingest.IngestHandler;
import herald.rendering.Renderer;
import herald.rendering.SiteLocator;
import herald.routing.Router;
import herald.security.ApiKeys;
import herald.security.Scope;
import herald.security.SecretBox;
import herald.sources.SourceRoutes;
import herald.sources.SourceStore;
import herald.sources.Sources;
import herald.store.Database;
import herald.subscription.ConfigStore;
import herald.web.ApiException;
import herald.web.Auth;
import herald.web.Responses;
import herald.web.Traffic;
import io.javalin.Javalin;
import io.javalin.event.HandlerMetaInfo;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Herald: the wiring of database, ingest, routing, delivery and the HTTP API. The one
 * place that knows every part; the parts know only what they are given.
 */
public final class Herald implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Herald.class);
    public static final String VERSION = versionFromJar();

    private final HeraldConfig config;
    private final Database db;
    private final ApiKeys apiKeys;
    private final EventWriter writer;
    private final Dispatcher dispatcher;
    private final Sources sources;
    private final Retention retention;
    private final Javalin web;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<HandlerMetaInfo> routes = new ArrayList<>();
    private final Traffic traffic = new Traffic(metrics);
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private String generatedAdminKey;

    private Herald(HeraldConfig config) {
        this.config = config;
        this.db = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword());
        SecretBox secrets = SecretBox.fromConfig(config.masterKey(), config.dataDir());
        this.apiKeys = new ApiKeys(db);
        apiKeys.setEnvironmentAdminKey(config.adminKey());
        if (!apiKeys.hasEnvironmentKey() && apiKeys.count() == 0) {
            generatedAdminKey = apiKeys.create("initial admin", EnumSet.of(Scope.ADMIN)).secret();
        }
        ConfigStore configStore = new ConfigStore(secrets);
        SourceStore sourceStore = new SourceStore(secrets);
        if (!config.sourcesFile().isEmpty()) { // before any thread starts, so that a bad file stops the start cleanly
            try {
                Sources.loadFile(db, sourceStore, java.nio.file.Path.of(config.sourcesFile()));
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        }
        Router router = new Router(configStore);
        Settings settings = new Settings(db);
        DeliveryStore deliveries = new DeliveryStore(db);
        // Payloads: formats and encodings. An event's site is its Moodle source's site_url, else its
        // source when that is a URL (sources is assigned below, before any delivery can run).
        SiteLocator moodleSites = this::moodleSiteUrl;
        Renderer renderer = new Renderer(config.maxPayloadBytes(), moodleSites.orElse(SiteLocator.SOURCE_URL));
        OutboundGuard outboundGuard = new OutboundGuard(config.outboundAllow());
        this.dispatcher = new Dispatcher(db, router, settings, outboundGuard,
                config.dispatcherConcurrency(), VERSION, metrics, configStore, config.deliveryLeaseS() * 1000L, renderer);
        this.writer = new EventWriter(db, router, dispatcher,
                // SQLite has one writer at a time; PostgreSQL can overlap commits.
                db.dialect() == Database.Dialect.SQLITE ? 1 : config.ingestWriters());
        EventCatalog catalog = new EventCatalog(db);

        // Moodle log-table sources: tailers store through the ingest writer, with their checkpoints.
        this.sources = new Sources(db, sourceStore, writer, router);
        sources.registerMetrics(metrics);

        BackupService backup = new BackupService(db, configStore, sources.store());
        registerGauges(deliveries);
        // --- delivery engine: retention of finished work
        this.retention = new Retention(db, config.retentionDays());
        retention.start();
        ServiceRoutes.LiveState liveServiceState = views -> DeliveryRoutes.describeServices(dispatcher.serviceStates(), views);
        // --- end delivery engine

        long maxBody = config.maxBodyBytes();
        Auth auth = new Auth(apiKeys);
        IngestHandler ingest = new IngestHandler(traffic, auth, writer, maxBody, config.maxBatch(), metrics);
        this.web = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = maxBody;
            // Responses are small JSON; deciding per response whether to compress cost ~5% of ingest CPU.
            cfg.http.compressionStrategy = io.javalin.compression.CompressionStrategy.NONE;
            cfg.jetty.host = config.httpHost();
            cfg.jetty.port = config.httpPort();
            cfg.events.handlerAdded(routes::add);
            // POST /api/v1/events is served in front of Javalin (see IngestHandler for why); Javalin
            // attaches its servlet context inside the server's handler when that is a wrapper.
            cfg.jetty.modifyServer(server -> server.setHandler(ingest));
            var r = cfg.routes;
            r.before(ctx -> {
                if (traffic.draining() && !ctx.path().equals("/health")) throw traffic.drainingProblem();
                ctx.attribute("herald.start", traffic.begin());
            });
            r.before("/api/*", auth);
            r.after(ctx -> {
                Long start = ctx.attribute("herald.start");
                if (start == null) return;
                // The route matched, not ctx.endpoint(): in an after-handler that is the after-handler ("*").
                var matched = ctx.endpoints().matchedHttpEndpoint();
                traffic.end(ctx.method().name(), matched == null ? "unmatched" : matched.path, ctx.statusCode(), start);
            });
            r.exception(Exception.class, (e, ctx) -> Responses.problem(ctx, Responses.problemFor(e, ctx.path())));
            r.error(404, ctx -> {
                if (!isProblem(ctx)) Responses.problem(ctx, new ApiException(404, "Not Found", "no such route: "
                        + ctx.method().name() + " " + ctx.path()));
            });
            r.error(405, ctx -> {
                if (!isProblem(ctx)) Responses.problem(ctx, new ApiException(405, "Method Not Allowed",
                        ctx.method().name() + " is not allowed on " + ctx.path()));
            });
            r.error(413, ctx -> {
                if (!isProblem(ctx)) Responses.problem(ctx, new ApiException(413, "Content Too Large",
                        "the body is larger than the limit of " + maxBody + " bytes"));
            });
            r.get("/health", ctx -> Responses.json(ctx, traffic.draining() ? 503 : 200,
                    Json.object().put("status", traffic.draining() ? "draining" : "up")));
            r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            new EventRoutes(new EventQueries(db), deliveries).register(r);
            new ServiceRoutes(db, configStore, maxBody, outboundGuard, liveServiceState).register(r);
            new SubscriptionRoutes(db, configStore, maxBody).register(r);
            new SettingsRoutes(settings, dispatcher).register(r);
            new DeliveryRoutes(deliveries, dispatcher, db, configStore, maxBody).register(r);
            new EventTypeRoutes(catalog).register(r);
            new ApiKeyRoutes(apiKeys).register(r);
            new BackupRoutes(backup, maxBody).register(r);
            new PreviewRoutes(db, configStore, renderer, new SampleEvents(), maxBody).register(r);
            new SourceRoutes(db, sources, maxBody).register(r);
        });
    }

    private static boolean isProblem(io.javalin.http.Context ctx) {
        String ct = ctx.res().getContentType();
        return ct != null && ct.startsWith("application/problem+json");
    }

    private void registerGauges(DeliveryStore deliveries) {
        // Counting by status costs a query, so one scrape reads it once for every status.
        Map<String, Long> cache = new ConcurrentHashMap<>();
        long[] readAt = {0};
        for (String status : List.of("pending", "delivering", "retrying", "delivered", "dead", "paused")) {
            Gauge.builder("herald_deliveries", () -> {
                synchronized (readAt) {
                    if (System.currentTimeMillis() - readAt[0] > 1000) {
                        cache.clear();
                        cache.putAll(deliveries.countByStatus());
                        readAt[0] = System.currentTimeMillis();
                    }
                }
                return cache.getOrDefault(status, 0L);
            }).tag("status", status).register(metrics);
        }
        Gauge.builder("herald_dispatcher_in_flight", dispatcher, Dispatcher::inFlight).register(metrics);
    }

    public static Herald start(HeraldConfig config) {
        Herald h = new Herald(config);
        h.web.start();
        h.sources.start();
        log.info("herald.started version={} address=http://{}:{} database={}", VERSION, config.httpHost(), h.port(),
                h.db.dialect());
        return h;
    }

    public int port() {
        return web.port();
    }

    /** The admin key made on first start, when no key existed; null otherwise. Shown once. */
    public String generatedAdminKey() {
        return generatedAdminKey;
    }

    public Database database() {
        return db;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public Sources sources() {
        return sources;
    }

    public Retention retention() {
        return retention;
    }

    /** Every HTTP route served, for tests that must cover them all. */
    public List<String[]> routes() {
        List<String[]> out = new ArrayList<>();
        out.add(new String[] {IngestHandler.METHOD, IngestHandler.PATH});
        for (HandlerMetaInfo m : routes) {
            if (m.getHttpMethod() != HandlerType.BEFORE && m.getHttpMethod() != HandlerType.AFTER
                    && m.getHttpMethod().isHttpMethod()) {
                out.add(new String[] {m.getHttpMethod().name(), m.getPath()});
            }
        }
        return out;
    }

    /**
     * Graceful stop: refuse new requests, let running ones finish, commit every queued event, let
     * in-flight deliveries finish, then close the database.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) return;
        traffic.drain();
        long deadline = System.currentTimeMillis() + 30_000;
        while (traffic.inFlight() > 0 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        web.stop();
        sources.close(); // before the writer: a tailer's last commit goes through it
        writer.close();
        retention.close();
        dispatcher.close();
        db.close();
        log.info("herald.stopped");
    }

    private static String versionFromJar() {
        String v = Herald.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The site_url of the Moodle source an event came from, when it has one. */
    private java.util.Optional<String> moodleSiteUrl(String sourceId) {
        return sources.siteUrl(sourceId).filter(u -> !u.isBlank());
    }
}

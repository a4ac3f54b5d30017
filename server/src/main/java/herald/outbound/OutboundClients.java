package herald.outbound;

import herald.crypto.Pem;
import herald.net.Hosts;
import herald.subscription.Service;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The HTTP clients deliveries go out through: one shared client verifying certificates against the
 * JDK's trusted authorities, and one per service with its own TLS settings (a CA bundle, a client
 * certificate). Every client resolves names through the {@link OutboundGuard}, so a refused address
 * is refused at connect time, after DNS.
 */
public final class OutboundClients implements AutoCloseable {
    private final OutboundGuard guard;
    private final int concurrency;
    private final ScheduledExecutorScheduler dnsScheduler = new ScheduledExecutorScheduler("dns-timeouts", true);
    private final HttpClient shared;
    private static final long IDLE_MS = 15 * 60_000;
    /** The most a response's status line and headers may take (nginx's default bound is 32 KiB). */
    static final int MAX_RESPONSE_HEADERS_BYTES = 64 * 1024;
    private final Map<String, ServiceClient> perService = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A service's own client, the TLS settings it was built from, and when it was last handed out. */
    private record ServiceClient(Service.Tls tls, HttpClient http, AtomicLong lastUsed) {}

    public OutboundClients(OutboundGuard guard, int concurrency) {
        this.guard = guard;
        this.concurrency = concurrency;
        try {
            dnsScheduler.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the DNS timeout scheduler", e);
        }
        this.shared = newClient(null);
        schedulePrune();
    }

    /** The client for requests to {@code svc}; a new one when its TLS settings changed. */
    public HttpClient client(Service svc) {
        if (svc.tls().isDefault()) return shared;
        ServiceClient current = perService.compute(svc.id(), (id, old) -> {
            long now = System.currentTimeMillis();
            if (old != null && old.tls().equals(svc.tls())) {
                old.lastUsed().set(now); // inside compute: prune() cannot take it away meanwhile
                return old;
            }
            if (old != null) retire(old.http());
            return new ServiceClient(svc.tls(), newClient(sslContext(svc.tls())), new AtomicLong(now));
        });
        return current.http();
    }

    private void schedulePrune() {
        if (!closed) dnsScheduler.schedule(() -> {
            prune(System.currentTimeMillis());
            schedulePrune();
        }, 5, TimeUnit.MINUTES);
    }

    /**
     * Stops clients unused for 15 minutes: a deleted service, or one whose TLS settings were removed,
     * leaves its client behind, and a quiet one gets a new client when it next sends.
     */
    void prune(long now) {
        for (String id : perService.keySet()) {
            HttpClient[] idle = new HttpClient[1];
            perService.computeIfPresent(id, (k, c) -> {
                if (now - c.lastUsed().get() < IDLE_MS) return c;
                idle[0] = c.http();
                return null;
            });
            if (idle[0] != null) stopQuietly(idle[0]);
        }
    }

    /** Stops a replaced client once requests it may still carry are over (no timeout exceeds 5 minutes). */
    private void retire(HttpClient http) {
        dnsScheduler.schedule(() -> stopQuietly(http), 5, TimeUnit.MINUTES);
    }

    /** The TLS context for a service's settings: its own authorities and client certificate, or the JDK's. */
    public static SSLContext sslContext(Service.Tls tls) {
        try {
            char[] password = "in-memory".toCharArray(); // the store never leaves memory
            KeyManager[] keyManagers = null;
            if (!tls.clientCertPem().isEmpty()) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", Pem.privateKey(tls.clientKeyPem(), tls.clientKeyPassword()), password,
                        Pem.certificates(tls.clientCertPem()).toArray(new Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, password);
                keyManagers = kmf.getKeyManagers();
            }
            TrustManager[] trustManagers = null; // the JDK's authorities
            if (!tls.caPem().isEmpty()) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                int i = 0;
                for (X509Certificate ca : Pem.certificates(tls.caPem())) trusted.setCertificateEntry("ca-" + i++, ca);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
                trustManagers = tmf.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    /** {@code tls} null: the JDK's defaults. Host names are always verified against the certificate. */
    private HttpClient newClient(SSLContext tls) {
        HttpClient http = new HttpClient();
        if (tls == null) http.setExecutor(clientThreads());
        if (tls != null) {
            SslContextFactory.Client factory = new SslContextFactory.Client();
            factory.setSslContext(tls);
            http.setSslContextFactory(factory);
            // Threads and buffers are the shared client's (already running, so not stopped with this one).
            http.setExecutor(shared.getExecutor());
            http.setScheduler(shared.getScheduler());
            http.setByteBufferPool(shared.getByteBufferPool());
        }
        http.setFollowRedirects(false);
        http.setConnectTimeout(10_000);
        http.setMaxConnectionsPerDestination(Math.max(64, concurrency));
        // A receiver's headers are read into memory whole: without a bound, one answering with a
        // header of hundreds of megabytes ran the heap out. Larger is a failed attempt.
        http.setMaxResponseHeadersSize(MAX_RESPONSE_HEADERS_BYTES);
        http.setUserAgentField(null); // set per request
        // A webhook sender keeps no state between deliveries: a cookie one response sets is not sent back.
        http.setHttpCookieStore(new org.eclipse.jetty.http.HttpCookieStore.Empty());
        // DNS lookups block, so they run on virtual threads; the guard sees every answer.
        http.setSocketAddressResolver(guarded(new SocketAddressResolver.Async(
                Executors.newVirtualThreadPerTaskExecutor(), dnsScheduler, 10_000), guard));
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start HTTP client", e);
        }
        return http;
    }

    /**
     * The clients' threads (I/O and response callbacks; the sends themselves wait on virtual threads).
     * Jetty's default pool grows to 200, and under load some 70 of them stayed busy, each taking
     * its turn on the cores from the database writer that every outcome waits for.
     */
    private static QueuedThreadPool clientThreads() {
        int max = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());
        QueuedThreadPool pool = new QueuedThreadPool(max, 2);
        pool.setName("outbound");
        pool.setDaemon(true);
        return pool;
    }

    /** Resolves names, then refuses addresses the guard forbids: checked at connect time, after DNS. */
    private static SocketAddressResolver guarded(SocketAddressResolver dns, OutboundGuard guard) {
        return (host, port, context, promise) -> {
            String numeric = Hosts.numericProblem(host);
            if (numeric != null) {
                promise.failed(new OutboundRefusedException("refused to connect: " + numeric));
                return;
            }
            resolveGuarded(dns, guard, host, port, context, promise);
        };
    }

    private static void resolveGuarded(SocketAddressResolver dns, OutboundGuard guard, String host, int port,
                                       Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        dns.resolve(host, port, context, new Promise<>() {
            @Override
            public void succeeded(List<InetSocketAddress> addresses) {
                List<InetSocketAddress> ok = new ArrayList<>();
                String refusal = null;
                for (InetSocketAddress a : addresses) {
                    String why = guard.refusal(a.getAddress());
                    if (why == null) ok.add(a); else refusal = why;
                }
                if (ok.isEmpty()) promise.failed(new OutboundRefusedException(refusal));
                else promise.succeeded(ok);
            }

            @Override
            public void failed(Throwable x) {
                promise.failed(x);
            }
        });
    }

    private static void stopQuietly(HttpClient http) {
        try {
            http.stop();
        } catch (Exception e) {
            // stopping: nothing is left to do with it
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        perService.values().forEach(c -> stopQuietly(c.http()));
        shared.stop();
        dnsScheduler.stop();
    }
}

package herald.delivery;

import herald.subscription.Service;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The HTTP clients deliveries go out through. Every client resolves names through the
 * {@link OutboundGuard}, so a refused address is refused at connect time, after DNS.
 */
public final class OutboundClients implements AutoCloseable {
    private final OutboundGuard guard;
    private final int concurrency;
    private final ScheduledExecutorScheduler dnsScheduler = new ScheduledExecutorScheduler("dns-timeouts", true);
    private final HttpClient shared;

    public OutboundClients(OutboundGuard guard, int concurrency) {
        this.guard = guard;
        this.concurrency = concurrency;
        try {
            dnsScheduler.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the DNS timeout scheduler", e);
        }
        this.shared = newClient();
    }

    /** The client for requests to {@code svc}. */
    public HttpClient client(Service svc) {
        return shared;
    }

    private HttpClient newClient() {
        HttpClient http = new HttpClient();
        http.setFollowRedirects(false);
        http.setConnectTimeout(10_000);
        http.setMaxConnectionsPerDestination(Math.max(64, concurrency));
        http.setUserAgentField(null); // set per request
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

    /** Resolves names, then refuses addresses the guard forbids: checked at connect time, after DNS. */
    private static SocketAddressResolver guarded(SocketAddressResolver dns, OutboundGuard guard) {
        return (host, port, context, promise) -> dns.resolve(host, port, context, new Promise<>() {
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

    @Override
    public void close() throws Exception {
        shared.stop();
        dnsScheduler.stop();
    }
}

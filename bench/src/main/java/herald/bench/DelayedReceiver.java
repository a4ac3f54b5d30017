package herald.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A receiver on 127.0.0.1 that answers 200 (no body) {@code delayMs} after a request's body has
 * arrived, without holding a thread meanwhile (Jetty, non-blocking handler, one timer thread), so
 * that it can have thousands of requests waiting at little cost. It records each request's
 * {@code webhook-id} with its path.
 */
final class DelayedReceiver implements AutoCloseable {
    final Map<String, Boolean> received = new ConcurrentHashMap<>();
    final AtomicLong requests = new AtomicLong();
    private final Server server;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());

    DelayedReceiver(int delayMs) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(16, 4);
        pool.setDaemon(true);
        server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(4096);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                requests.incrementAndGet();
                String id = request.getHeaders().get("webhook-id");
                if (id != null) received.put(id + Request.getPathInContext(request), Boolean.TRUE);
                Content.Source.consumeAll(request, Callback.from(() -> timer.schedule(() -> {
                    response.setStatus(200);
                    callback.succeeded();
                }, delayMs, TimeUnit.MILLISECONDS), callback::failed));
                return true;
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Forgets what was received. */
    void clear() {
        received.clear();
        requests.set(0);
    }

    @Override
    public void close() throws Exception {
        server.stop();
        timer.shutdownNow();
    }
}

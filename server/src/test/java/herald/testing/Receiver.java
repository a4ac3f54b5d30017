package herald.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;

/**
 * A real HTTP receiver on loopback that records what it gets and answers what the test chooses: a
 * status, headers, or no answer at all until it is closed (a hanging receiver).
 */
public final class Receiver implements AutoCloseable {
    public record Received(String method, String path, Map<String, List<String>> headers, String body, long atMillis) {
        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) return e.getValue().get(0);
            }
            return null;
        }
    }

    /**
     * What to answer; {@code hangs} holds the request open until the receiver closes, {@code delayMs}
     * plays a receiver that takes that long to work.
     */
    public record Reply(int status, Map<String, String> headers, boolean hangs, long delayMs, String body) {
        public static Reply status(int status) {
            return new Reply(status, Map.of(), false, 0, "ok");
        }

        public static Reply hang() {
            return new Reply(0, Map.of(), true, 0, "");
        }

        public Reply header(String name, String value) {
            var more = new java.util.HashMap<>(headers);
            more.put(name, value);
            return new Reply(status, Map.copyOf(more), hangs, delayMs, body);
        }

        public Reply after(long ms) {
            return new Reply(status, headers, hangs, ms, body);
        }

        public Reply body(String text) {
            return new Reply(status, headers, hangs, delayMs, text);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Reply> replies = r -> Reply.status(200);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    public Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Received got = new Received(ex.getRequestMethod(), ex.getRequestURI().toString(),
                        Map.copyOf(ex.getRequestHeaders()), body, System.currentTimeMillis());
                received.add(got);
                Reply reply = replies.apply(got);
                if (reply.hangs()) {
                    closed.await();
                    return;
                }
                if (reply.delayMs() > 0) closed.await(reply.delayMs(), java.util.concurrent.TimeUnit.MILLISECONDS);
                byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
                reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
                ex.sendResponseHeaders(reply.status(), out.length);
                ex.getResponseBody().write(out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
                ex.close();
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void answer(IntSupplier s) {
        this.replies = r -> Reply.status(s.getAsInt());
    }

    /** Answers with a status that depends on the request, e.g. 401 when its signature does not verify. */
    public void answerEach(ToIntFunction<Received> s) {
        this.replies = r -> Reply.status(s.applyAsInt(r));
    }

    public void reply(Function<Received, Reply> f) {
        this.replies = f;
    }

    /** The most requests this receiver had open at once. */
    public int maxConcurrent() {
        return maxInFlight.get();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}

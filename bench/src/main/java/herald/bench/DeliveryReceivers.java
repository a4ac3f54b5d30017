package herald.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** The sinks that misbehave on purpose: a slow receiver and a hanging one. */
final class DeliveryReceivers {
    private DeliveryReceivers() {}

    /** A receiver that accepts connections and never answers: a hanging service. */
    /** A receiver that answers 200 after 150 ms: slow enough for Herald's slow-send path (100 ms). */
    static final class SlowReceiver implements AutoCloseable {
        private final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);

        SlowReceiver() throws IOException {
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                try {
                    Thread.sleep(150); // the receiver's own slowness is what is simulated
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static final class Hang implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        private final List<Socket> held = new CopyOnWriteArrayList<>();

        Hang() throws IOException {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) held.add(server.accept());
                } catch (IOException closed) {
                    // stopped
                }
            });
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : held) s.close();
        }
    }
}

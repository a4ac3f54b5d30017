package herald.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ServerSocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback TCP proxy the test controls, to make a database go away and come back: {@link #cut()}
 * closes the listening port and every open connection; {@link #restore()} listens on the same port again.
 * {@link #tls} makes one that ends TLS in front of a plain server (a broker's TLS listener).
 */
public final class TcpProxy implements AutoCloseable {
    private final int targetPort;
    private final ServerSocketFactory sockets;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    public TcpProxy(int targetPort) {
        this(targetPort, ServerSocketFactory.getDefault());
    }

    private TcpProxy(int targetPort, ServerSocketFactory sockets) {
        this.targetPort = targetPort;
        this.sockets = sockets;
        this.port = listen(0);
    }

    /** Ends TLS with the key and certificate in {@code pkcs12}, and passes the plain bytes to {@code targetPort}. */
    public static TcpProxy tls(int targetPort, Path pkcs12, String password) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(pkcs12)) {
                keys.load(in, password.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password.toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return new TcpProxy(targetPort, ctx.getServerSocketFactory());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS from " + pkcs12, e);
        }
    }


    public int port() {
        return port;
    }

    /** Refuses new connections and breaks the current ones. */
    public synchronized void cut() {
        closeQuietly(server);
        server = null;
        for (Socket s : open) closeQuietly(s);
        open.clear();
    }

    public synchronized void restore() {
        if (server == null) listen(port);
    }

    private int listen(int onPort) {
        try {
            ServerSocket ss = sockets.createServerSocket();
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
            server = ss;
            Thread.ofVirtual().start(() -> accept(ss));
            return ss.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + onPort, e);
        }
    }

    private void accept(ServerSocket ss) {
        while (!ss.isClosed()) {
            try {
                Socket client = ss.accept();
                open.add(client);
                Thread.ofVirtual().start(() -> connect(client));
            } catch (IOException e) {
                return; // closed by cut()
            }
        }
    }

    private void connect(Socket client) {
        try {
            if (client instanceof SSLSocket tls) tls.startHandshake();
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            open.add(upstream);
            Thread.ofVirtual().start(() -> pump(client, upstream));
            pump(upstream, client);
        } catch (IOException e) {
            closeQuietly(client); // a handshake the client gave up (a certificate it refused), or no server behind
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buf = new byte[16_384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side closed: the other is closed below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        cut();
    }
}

package herald.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** A real HTTPS receiver on loopback (Jetty), optionally requiring a client certificate issued by a given CA. */
public final class TlsReceiver implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector;
    private final AtomicInteger received = new AtomicInteger();

    /** Serves with the key and certificate in {@code pkcs12}; {@code clientCa} non-null: mutual TLS, required. */
    public TlsReceiver(Path pkcs12, String password, Path clientCa) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(pkcs12.toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(password);
        try {
            if (clientCa != null) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                try (InputStream in = Files.newInputStream(clientCa)) {
                    trusted.setCertificateEntry("client-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
                }
                ssl.setTrustStore(trusted);
                ssl.setNeedClientAuth(true);
            }
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(new HttpConfiguration()));
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    received.incrementAndGet();
                    response.setStatus(200);
                    Content.Sink.write(response, true, "ok", callback);
                    return true;
                }
            });
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the TLS receiver", e);
        }
    }

    public String url() {
        return "https://127.0.0.1:" + connector.getLocalPort() + "/hook";
    }

    /** Requests that completed the handshake and reached the handler. */
    public int received() {
        return received.get();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}

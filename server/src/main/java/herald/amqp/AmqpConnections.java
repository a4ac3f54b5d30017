package herald.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ResolvedInetAddress;
import herald.outbound.OutboundClients;
import herald.outbound.OutboundGuard;
import herald.subscription.Service;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Connections to a service's broker, opened as every outbound call of Herald is: the host's
 * addresses checked by the SSRF guard before connecting, and the connection made to the address
 * that was checked (no second lookup that DNS could answer otherwise), TLS with the service's authorities and client certificate for
 * {@code amqps://}, the service's credentials ({@code guest}/{@code guest} when it has none), the
 * virtual host from the URL's path. No automatic recovery: whoever holds the connection opens a new
 * one when it finds it closed, so nothing waits on a recovery it cannot see.
 */
public final class AmqpConnections {
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    /** The guard refused every address of the host. */
    public static final class Refused extends Exception {
        Refused(String why) {
            super(why);
        }
    }

    private final OutboundGuard guard;

    public AmqpConnections(OutboundGuard guard) {
        this.guard = guard;
    }

    /** Opens a connection to {@code svc}'s broker, named {@code name} in the broker's management views. */
    public Connection open(Service svc, String name) throws IOException, TimeoutException, Refused {
        URI uri = URI.create(svc.url());
        boolean tls = "amqps".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT : ConnectionFactory.DEFAULT_AMQP_PORT;
        String host = uri.getHost();
        InetAddress checked = checkedAddress(host);
        ConnectionFactory f = new ConnectionFactory();
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        f.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        f.setHandshakeTimeout(CONNECT_TIMEOUT_MS);
        f.setRequestedHeartbeat(30);
        f.setVirtualHost(virtualHost(uri));
        boolean basic = "basic".equals(svc.auth().type());
        f.setUsername(basic ? svc.auth().username() : ConnectionFactory.DEFAULT_USER);
        f.setPassword(basic ? svc.auth().secret() : ConnectionFactory.DEFAULT_PASS);
        if (tls) {
            f.useSslProtocol(OutboundClients.sslContext(svc.tls()));
            f.enableHostnameVerification();
        }
        return f.newConnection(null, pinned(host, port, checked), name);
    }

    /**
     * The broker's address as the client is to connect to it: the checked address, carrying the
     * host's name, so that TLS verifies the name while the socket goes where the guard looked. Given
     * a name, the client looks it up again when it connects, and a rebinding name could then answer
     * with an address the guard refuses.
     */
    static AddressResolver pinned(String host, int port, InetAddress checked) throws UnknownHostException {
        String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host; // an IPv6 literal is its own name
        Address address = new ResolvedInetAddress(host, InetAddress.getByAddress(name, checked.getAddress()), port);
        return () -> List.of(address);
    }

    private InetAddress checkedAddress(String host) throws UnknownHostException, Refused {
        String refusal = null;
        for (InetAddress a : InetAddress.getAllByName(host)) {
            String why = guard.refusal(a);
            if (why == null) return a;
            refusal = why;
        }
        throw new Refused(refusal);
    }

    /** The URL's path without its slash, decoded ({@code %2F} is "/"); none is RabbitMQ's default "/". */
    static String virtualHost(URI uri) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) return "/";
        return URLDecoder.decode(path.substring(1).replace("+", "%2B"), StandardCharsets.UTF_8); // a path's '+' is a plus
    }

    /** The error kind of a failed connection or publish, as {@link herald.outbound.OutboundCall.Response} names them. */
    static String kind(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AuthenticationFailureException) return "auth";
            if (c instanceof UnknownHostException) return "dns";
            if (c instanceof ConnectException) return "connect";
            if (c instanceof SocketTimeoutException || c instanceof TimeoutException) return "timeout";
            if (c instanceof SSLException) return "tls";
        }
        return "network";
    }

    static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AuthenticationFailureException) return "the broker refused the credentials";
        }
        String msg = herald.text.Words.rootMessage(t);
        return msg.length() > 1000 ? msg.substring(0, 1000) : msg;
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            if (c instanceof Connection conn) conn.abort(2_000);
            else if (c instanceof com.rabbitmq.client.Channel ch) ch.abort();
            else c.close();
        } catch (Exception ignored) {
            // closing what is already gone
        }
    }
}

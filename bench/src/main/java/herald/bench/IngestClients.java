package herald.bench;

import herald.app.Herald;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/** The HTTP clients the ingest benchmark sends with: the JDK's, Jetty's, and a minimal keep-alive socket client. */
final class IngestClients {
    private IngestClients() {}

    interface Client extends AutoCloseable {
        /** Posts one body and returns when Herald answered 202 with no duplicates. */
        void post(URI uri, String key, String body) throws Exception;

        @Override
        void close() throws Exception;

        static void expect(int status, String answer) {
            if (status != 202 || !answer.endsWith("\"duplicates\":[]}")) {
                throw new IllegalStateException("Herald answered " + status + ": " + answer);
            }
        }
    }

    static final class JdkClient implements Client {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();

        @Override
        public void post(URI uri, String key, String body) throws Exception {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            Client.expect(r.statusCode(), r.body());
        }

        @Override
        public void close() {
            http.close();
        }
    }

    static final class JettyClient implements Client {
        private final org.eclipse.jetty.client.HttpClient http = new org.eclipse.jetty.client.HttpClient();

        JettyClient(int connections) throws Exception {
            http.setMaxConnectionsPerDestination(connections);
            http.start();
        }

        @Override
        public void post(URI uri, String key, String body) throws Exception {
            ContentResponse r = http.newRequest(uri).method(HttpMethod.POST).timeout(120, java.util.concurrent.TimeUnit.SECONDS)
                    .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + key))
                    .body(new StringRequestContent("application/json", body)).send();
            Client.expect(r.getStatus(), r.getContentAsString());
        }

        @Override
        public void close() throws Exception {
            http.stop();
        }
    }

    /**
     * A minimal HTTP/1.1 keep-alive client: one socket per sender thread, each request written in one
     * go and the answer read by its Content-Length. A general client (Jetty's, the JDK's) spends about as
     * much CPU per request as Herald does; on 2 shared cores that CPU is taken from Herald, so the
     * default load generator does the least work that still sends real requests and checks every answer.
     */
    static final class SocketClient implements Client {
        private record Connection(java.net.Socket socket, java.io.OutputStream out, java.io.BufferedInputStream in) {}

        private final List<java.net.Socket> opened = java.util.Collections.synchronizedList(new ArrayList<>());
        private final ThreadLocal<Connection> connection = new ThreadLocal<>();

        @Override
        public void post(URI uri, String key, String body) throws Exception {
            Connection c = connection.get();
            if (c == null) {
                java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort());
                s.setTcpNoDelay(true);
                s.setSoTimeout(120_000);
                opened.add(s);
                c = new Connection(s, s.getOutputStream(), new java.io.BufferedInputStream(s.getInputStream(), 8192));
                connection.set(c);
            }
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            byte[] head = ("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAuthorization: Bearer " + key + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + content.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(head, head.length + content.length);
            System.arraycopy(content, 0, request, head.length, content.length);
            c.out.write(request);
            c.out.flush();
            String status = line(c.in);
            int length = -1;
            for (String h = line(c.in); !h.isEmpty(); h = line(c.in)) {
                if (h.regionMatches(true, 0, "content-length:", 0, 15)) length = Integer.parseInt(h.substring(15).trim());
            }
            if (length < 0) throw new IllegalStateException("answer without Content-Length: " + status);
            String answer = new String(c.in.readNBytes(length), StandardCharsets.UTF_8);
            Client.expect(Integer.parseInt(status.substring(9, 12)), answer);
        }

        private static String line(java.io.InputStream in) throws IOException {
            StringBuilder b = new StringBuilder(64);
            for (int ch; (ch = in.read()) != '\n'; ) {
                if (ch < 0) throw new IOException("connection closed by Herald");
                if (ch != '\r') b.append((char) ch);
            }
            return b.toString();
        }

        @Override
        public void close() throws IOException {
            for (java.net.Socket s : opened) s.close();
        }
    }
}

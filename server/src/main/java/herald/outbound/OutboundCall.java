package herald.outbound;

import herald.json.Json;
import herald.subscription.Service;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.ByteBufferRequestContent;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;

/**
 * One HTTP request to a service's receiver, sent as every outbound call of Herald is: through the
 * service's client (its TLS settings, the SSRF guard at connect time, no redirects, no cookies),
 * with Herald's headers, the signature and the receiver's credentials, within the service's
 * timeout. The answer is classified, never thrown: what a delivery, a webfilter or a gateway call
 * makes of it is theirs to decide.
 */
public final class OutboundCall {
    /** How much of a response body is kept for the log. */
    static final int EXCERPT_BYTES = 16 * 1024;
    /**
     * Read beyond what is kept, so that a secret across the cut is masked whole before the cut
     * (a longer one than this may leave its start behind).
     */
    public static final int MASK_MARGIN = 1024;

    /**
     * What to send. {@code messageId} is the signature's {@code webhook-id} (an AMQP message's
     * {@code message_id}); {@code routingKey} is for AMQP services only (null otherwise).
     */
    public record Request(String method, String url, String contentType, byte[] body, String messageId, String routingKey) {
        public Request(String method, String url, String contentType, byte[] body, String messageId) {
            this(method, url, contentType, body, messageId, null);
        }
    }

    /** A receiver reached by another protocol than HTTP (AMQP): given the same request, it answers in the same terms. */
    public interface Transport {
        Response send(Service svc, Request req, long timeoutMs);
    }

    /** The error kind of a SOAP Fault: an answer that is a failure whatever its HTTP status. */
    public static final String SOAP_FAULT = "soap_fault";

    /**
     * What came back. {@code status} is null when no response came, and then {@code errorKind}
     * ({@code timeout}, {@code connect}, {@code dns}, {@code tls}, {@code refused_address},
     * {@code network}) and {@code error} say why. A SOAP Fault keeps its status with the error kind
     * {@link #SOAP_FAULT}. An AMQP publish answers with AMQP's reply codes (200 confirmed, 312 no
     * route, 404 no exchange, 403 refused). {@code sentHeaders} are the request's headers with
     * credentials masked, as the attempt log keeps them.
     */
    public record Response(Integer status, String errorKind, String error, String responseHeaders, String excerpt,
                           String retryAfter, Map<String, String> sentHeaders, long startedAt, long durationMs) {
        public boolean succeeded() {
            return status != null && status >= 200 && status < 300 && !SOAP_FAULT.equals(errorKind);
        }
    }

    private final OutboundClients clients;
    private final OutboundHeaders headers;
    private final Transport amqp;

    /** {@code amqp}: how AMQP services are reached. */
    public OutboundCall(OutboundClients clients, OutboundHeaders headers, Transport amqp) {
        this.clients = clients;
        this.headers = headers;
        this.amqp = amqp;
    }

    /** Sends {@code req} to {@code svc}'s receiver and waits for the answer (on the caller's thread; a virtual one suits). */
    public Response send(Service svc, Request req) {
        return send(svc, req, EXCERPT_BYTES + MASK_MARGIN, svc.timeoutMs());
    }

    /**
     * Sends with a bound on the response kept ({@code keepBytes}: the answer itself matters, as a
     * webfilter's does) and on the whole exchange ({@code timeoutMs}, within the caller's budget).
     */
    public Response send(Service svc, Request req, int keepBytes, long timeoutMs) {
        if (svc.isAmqp()) return amqp.send(svc, req, timeoutMs);
        Response r = sendHttp(svc, req, keepBytes, timeoutMs);
        return svc.isSoap() ? SoapFaults.classify(r) : r;
    }

    private Response sendHttp(Service svc, Request req, int keepBytes, long timeoutMs) {
        long start = System.currentTimeMillis();
        // The idle timeout too: Jetty's default of 30 s would end a silent exchange before a longer timeout_ms.
        var http = clients.client(svc).newRequest(req.url()).method(req.method()).timeout(timeoutMs, TimeUnit.MILLISECONDS)
                .idleTimeout(timeoutMs, TimeUnit.MILLISECONDS);
        boolean hasBody = req.body().length > 0 || !req.method().equals("GET");
        Map<String, String> sent = headers.build(svc, req.messageId(), start, hasBody ? req.contentType() : null,
                OutboundHeaders.signedContent(req.method(), req.url(), req.body()));
        http.headers(h -> sent.forEach(h::put));
        // One wrapped array: BytesRequestContent streams its arrays into a list, 2 % of the delivery profile's CPU.
        if (hasBody) http.body(new ByteBufferRequestContent(req.contentType(), ByteBuffer.wrap(req.body())));
        CompletableFuture<Response> done = new CompletableFuture<>();
        // Grown as the response arrives: most receivers answer with a few bytes, if any.
        ByteArrayOutputStream excerpt = new ByteArrayOutputStream(0);
        Map<String, String> recorded = OutboundHeaders.redact(sent, svc);
        http.send(new org.eclipse.jetty.client.Response.Listener() {
            @Override
            public void onContent(org.eclipse.jetty.client.Response response, ByteBuffer content) {
                int n = Math.min(content.remaining(), keepBytes - excerpt.size());
                if (n <= 0) return; // keep the start, drop the rest
                byte[] chunk = new byte[n];
                content.slice().get(chunk);
                excerpt.writeBytes(chunk);
            }

            @Override
            public void onComplete(Result result) {
                org.eclipse.jetty.client.Response r = result.getResponse();
                Integer status = r != null && r.getStatus() > 0 ? r.getStatus() : null;
                String responseHeaders = null;
                String retryAfter = r == null || r.getHeaders() == null ? null : r.getHeaders().get("Retry-After");
                if (r != null && r.getHeaders() != null) {
                    Map<String, String> h = new LinkedHashMap<>();
                    int kept = 0;
                    for (HttpField f : r.getHeaders()) {
                        kept += f.getName().length() + (f.getValue() == null ? 0 : f.getValue().length());
                        if (kept > EXCERPT_BYTES) break; // kept as the body is: its first 16 KiB
                        h.put(f.getName(), f.getValue());
                    }
                    responseHeaders = Json.writeStrings(h);
                }
                String text = excerpt.toString(StandardCharsets.UTF_8);
                long duration = System.currentTimeMillis() - start;
                if (result.isFailed() && (status == null || result.getResponseFailure() != null)) {
                    Throwable t = result.getFailure();
                    done.complete(new Response(status, kind(t), describe(t), responseHeaders, text, retryAfter, recorded,
                            start, duration));
                } else {
                    done.complete(new Response(status, null, null, responseHeaders, text, retryAfter, recorded, start, duration));
                }
            }
        });
        return done.join();
    }

    private static String kind(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutboundRefusedException) return "refused_address";
            if (c instanceof TimeoutException) return "timeout";
            if (c instanceof UnknownHostException) return "dns";
            if (c instanceof ConnectException) return "connect";
            if (c instanceof SSLException) return "tls";
        }
        return "network";
    }

    private static String describe(Throwable t) {
        Throwable root = herald.text.Words.rootCause(t);
        if (root instanceof java.io.EOFException) return "the receiver closed the connection before its answer was complete";
        String msg = root.getMessage();
        // Some of Jetty's messages are an object's toString (a connection and its end point): not for people.
        if (msg == null || msg.matches("(?s).*\\b[\\w.$]+@[0-9a-f]{5,}\\b.*")) msg = root.getClass().getSimpleName();
        return msg.length() > 1000 ? msg.substring(0, 1000) : msg;
    }
}

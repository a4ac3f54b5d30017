package herald.rendering;

/**
 * The request a delivery sends, as its subscription's format and encoding give it.
 *
 * @param method     the HTTP method; {@code PUBLISH} for an AMQP service
 * @param url        the service URL with the subscription's path, and the query string when the method
 *                   carries no body
 * @param body       the bytes to send; empty for methods without a body
 * @param routingKey the AMQP routing key, rendered from the event; null for HTTP and SOAP
 * @param headers    headers the format asks for (xAPI's version header), beside the service's
 */
public record Rendered(String method, String url, String contentType, byte[] body, String routingKey,
                       java.util.Map<String, String> headers) {
    public Rendered(String method, String url, String contentType, byte[] body, String routingKey) {
        this(method, url, contentType, body, routingKey, java.util.Map.of());
    }

    public Rendered(String method, String url, String contentType, byte[] body) {
        this(method, url, contentType, body, null);
    }
}

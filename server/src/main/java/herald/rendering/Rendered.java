package herald.rendering;

/**
 * The HTTP request a delivery sends, as its subscription's format and encoding give it.
 *
 * @param url the service URL with the subscription's path, and the query string when the method
 *            carries no body
 * @param body the bytes to send; empty for methods without a body
 */
public record Rendered(String method, String url, String contentType, byte[] body) {}

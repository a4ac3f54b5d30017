package herald.delivery;

/**
 * One HTTP call of a delivery, as recorded. {@code statusCode} is null when no response came.
 * {@code requestBody} is what was sent (the first {@link #MAX_BODY} bytes), with the service's
 * secrets masked, as the response's excerpt is.
 */
public record Attempt(String id, String deliveryId, long startedAt, long durationMs, Integer statusCode,
                      String errorKind, String error, String requestHeaders, String responseHeaders,
                      String responseExcerpt, String requestMethod, String requestUrl, String requestBody) {
    /** The most bytes of a request body the attempt log keeps. */
    public static final int MAX_BODY = 64 * 1024;

    /** A request body as the log keeps it: the start, with a note of what was cut off. */
    static String kept(byte[] body) {
        if (body.length <= MAX_BODY) return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return new String(body, 0, MAX_BODY, java.nio.charset.StandardCharsets.UTF_8) + "…[" + (body.length - MAX_BODY)
                + " more bytes not kept]";
    }
}

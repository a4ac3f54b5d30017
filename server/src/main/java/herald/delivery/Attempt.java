package herald.delivery;

import herald.outbound.OutboundCall;
import herald.outbound.SecretMask;

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

    /** The most of a response the attempt log keeps (characters). */
    static final int MAX_RESPONSE = 16 * 1024;

    /**
     * A request body as the log keeps it, masked, then cut: the start, with a note of what was cut
     * off. Masked before the cut, so a secret across the cut leaves no start of itself behind.
     */
    static String kept(byte[] body, SecretMask mask) {
        if (body.length <= MAX_BODY) return mask.mask(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        String masked = mask.mask(new String(body, 0, Math.min(body.length, MAX_BODY + OutboundCall.MASK_MARGIN),
                java.nio.charset.StandardCharsets.UTF_8));
        return masked.substring(0, Math.min(masked.length(), MAX_BODY)) + "…[" + (body.length - MAX_BODY) + " more bytes not kept]";
    }

    /** A response's start as the log keeps it: masked, then cut to {@link #MAX_RESPONSE} (the call read a margin more). */
    static String excerpt(String response, SecretMask mask) {
        String masked = mask.maskAnswer(response);
        return masked == null || masked.length() <= MAX_RESPONSE ? masked : masked.substring(0, MAX_RESPONSE);
    }
}

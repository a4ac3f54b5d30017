package herald.delivery;

/**
 * One HTTP call of a delivery, as recorded. {@code statusCode} is null when no response came;
 * {@code requestBody} is kept only for attempts that did not deliver.
 */
public record Attempt(String id, String deliveryId, long startedAt, long durationMs, Integer statusCode,
                      String errorKind, String error, String requestHeaders, String responseHeaders,
                      String responseExcerpt, String requestMethod, String requestUrl, String requestBody) {}

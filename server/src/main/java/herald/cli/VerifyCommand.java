package herald.cli;

import herald.crypto.Signer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herald verify}: checks a request's signature against a secret, as a receiver would, for
 * receiver developers: from a saved HTTP request (headers, blank line, body), or from the parts.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, description = "Check a webhook request's signature (Standard Webhooks,"
        + " or GitHub's X-Hub-Signature-256) against a secret. Exit 0 when it verifies, 1 when it does not, 2 when its input"
        + " cannot be read.")
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--secret", description = "The service's signing secret (whsec_..., or GitHub mode's text). A command line"
            + " is seen by every user of the machine (ps) and kept in shell history: --secret-file keeps it out.")
    String secret;

    @Option(names = "--secret-file", description = "A file holding the signing secret (its first line), instead of --secret.")
    Path secretFile;

    @Option(names = "--request", description = "A saved HTTP request: request line, headers, a blank line, the body.")
    Path request;

    @Option(names = "--id", description = "webhook-id (without --request).") String id;
    @Option(names = "--timestamp", description = "webhook-timestamp (without --request).") Long timestamp;
    @Option(names = "--signature", description = "webhook-signature, or X-Hub-Signature-256 with --github (without --request).")
    String signature;
    @Option(names = "--body", description = "A file with the body as sent (without --request).") Path body;
    @Option(names = "--query", description = "The raw query string, for a request without a body (a GET).") String query;
    @Option(names = "--github", description = "GitHub mode: X-Hub-Signature-256 over the body.") boolean github;

    @Option(names = "--tolerance-s", defaultValue = "300",
            description = "How far webhook-timestamp may be from now; 0 to skip the check. Default: ${DEFAULT-VALUE}.")
    long toleranceS;

    @Override
    public Integer call() {
        try {
            return check();
        } catch (UsageError e) {
            return e.report();
        }
    }

    private int check() {
        if ((secret == null) == (secretFile == null)) throw new UsageError("give the signing secret with --secret-file (or --secret)");
        if (secretFile != null) secret = CliInput.firstLine(secretFile, 8192);
        byte[] payload;
        Map<String, String> headers = new LinkedHashMap<>();
        if (request != null) {
            byte[] raw = CliInput.read(request);
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            int sep = 4;
            if (end < 0) {
                end = text.indexOf("\n\n");
                sep = 2;
            }
            String head = end < 0 ? text : text.substring(0, end);
            String[] lines = head.split("\r?\n");
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            byte[] bodyBytes = end < 0 ? new byte[0] : Arrays.copyOfRange(raw, end + sep, raw.length);
            String[] requestLine = lines[0].split(" ");
            String rawQuery;
            try {
                rawQuery = requestLine.length > 1 ? URI.create(requestLine[1]).getRawQuery() : null;
            } catch (IllegalArgumentException e) {
                throw new UsageError(request + ": the first line is not a request line (METHOD /path?query HTTP/1.1)");
            }
            // A request without a body is signed over its raw query string (docs/outbound.md).
            payload = bodyBytes.length == 0 && rawQuery != null ? rawQuery.getBytes(StandardCharsets.UTF_8) : bodyBytes;
            github = github || headers.containsKey("x-hub-signature-256") && !headers.containsKey("webhook-signature");
            id = headers.get("webhook-id");
            String ts = headers.get("webhook-timestamp");
            try {
                timestamp = ts == null ? null : Long.valueOf(ts.trim());
            } catch (NumberFormatException e) {
                return fail("webhook-timestamp is not a number of seconds: " + ts);
            }
            signature = github ? headers.get("x-hub-signature-256") : headers.get("webhook-signature");
        } else {
            payload = body != null ? CliInput.read(body) : query != null ? query.getBytes(StandardCharsets.UTF_8) : new byte[0];
        }
        if (signature == null) return fail("no signature (webhook-signature or X-Hub-Signature-256)");
        if (github) {
            return Signer.verifyGithub(secret, payload, signature) ? ok("the GitHub signature verifies") : fail("the signature does not match");
        }
        if (id == null || timestamp == null) return fail("webhook-id and webhook-timestamp are needed");
        long skew = Math.abs(System.currentTimeMillis() / 1000 - timestamp);
        if (toleranceS > 0 && skew > toleranceS) {
            return fail("webhook-timestamp is " + skew + " s from now, beyond the tolerance of " + toleranceS + " s");
        }
        try {
            return Signer.verifyStandard(secret, id, timestamp, payload, signature)
                    ? ok("the signature verifies (webhook-id " + id + ")") : fail("the signature does not match");
        } catch (IllegalArgumentException e) {
            return fail("the secret is not whsec_ followed by base64");
        }
    }

    private static int ok(String message) {
        System.out.println("valid: " + message);
        return 0;
    }

    private static int fail(String message) {
        System.out.println("invalid: " + message);
        return 1;
    }
}

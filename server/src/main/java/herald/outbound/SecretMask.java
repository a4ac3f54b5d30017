package herald.outbound;

import herald.crypto.SecretBox;
import herald.json.Json;
import herald.subscription.Service;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A service's secrets (its token, its receiver credentials, its signing secrets) masked out of
 * text Herald keeps: the request bodies, URLs and headers of the attempt log, and what receivers
 * answer (a receiver may echo a token back). A secret can stand in a request as itself, escaped
 * inside JSON (as Jackson or PHP writes it), percent-encoded in a form or query string, or in a
 * Basic credential; each of these forms is masked.
 */
public final class SecretMask {
    /** Secrets shorter than this are not searched for: "1" would mask every digit. */
    static final int MIN_LENGTH = 4;
    /** As Herald writes a secret into a request: raw, JSON-, PHP- or form-encoded. */
    private final List<String> forms;
    /** Those, and as a receiver may write it back: other encoders' escaping, hex digits or letters in another case. */
    private final List<String> echoed;

    private SecretMask(List<String> forms, List<String> echoed) {
        this.forms = forms;
        this.echoed = echoed;
    }

    public static SecretMask of(Service svc) {
        Set<String> secrets = new LinkedHashSet<>();
        secrets.add(svc.token());
        if (svc.auth() != null) {
            secrets.add(svc.auth().secret());
            if ("basic".equals(svc.auth().type()) && svc.auth().secret() != null) {
                secrets.add(Base64.getEncoder().encodeToString((svc.auth().username() + ":" + svc.auth().secret())
                        .getBytes(StandardCharsets.UTF_8)));
            }
        }
        if (svc.signing() != null) {
            secrets.add(svc.signing().secret());
            svc.signing().previous().forEach(p -> secrets.add(p.secret()));
        }
        if (svc.tls() != null) secrets.add(svc.tls().clientKeyPassword());
        Set<String> forms = new LinkedHashSet<>();
        Set<String> echoed = new LinkedHashSet<>();
        for (String s : secrets) {
            if (s == null || s.length() < MIN_LENGTH) continue;
            forms.add(s);
            String json = Json.write(s);
            forms.add(json.substring(1, json.length() - 1));
            forms.add(phpEscaped(s));
            String encoded = URLEncoder.encode(s, StandardCharsets.UTF_8);
            forms.add(encoded);
            forms.add(encoded.replace("+", "%20"));
            // As other encoders write it back: Python's quote() and JavaScript's encodeURIComponent leave
            // '/', '~' and "!*'()" as they are; some write the hex digits, or everything, in another case.
            String uri = encoded.replace("+", "%20").replace("%2F", "/").replace("%7E", "~").replace("%21", "!")
                    .replace("%27", "'").replace("%28", "(").replace("%29", ")").replace("%2A", "*");
            String rfc3986 = encoded.replace("+", "%20").replace("%7E", "~"); // '~' is unreserved: quote(s, safe='')
            for (String f : new LinkedHashSet<>(List.of(s, encoded, uri, rfc3986))) {
                echoed.add(f);
                echoed.add(lowerHex(f));
                echoed.add(f.toUpperCase(java.util.Locale.ROOT));
                echoed.add(f.toLowerCase(java.util.Locale.ROOT));
            }
        }
        echoed.addAll(forms);
        return new SecretMask(longestFirst(forms), longestFirst(echoed));
    }

    /** Longest first: one form may contain another. */
    private static List<String> longestFirst(Set<String> forms) {
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort((a, b) -> b.length() - a.length());
        return List.copyOf(sorted);
    }

    private static String lowerHex(String percentEncoded) {
        var m = java.util.regex.Pattern.compile("%[0-9A-F]{2}").matcher(percentEncoded);
        return m.replaceAll(r -> r.group().toLowerCase(java.util.Locale.ROOT));
    }

    /** {@code text} with every form of every secret replaced by the mask; null stays null. */
    public String mask(String text) {
        return masked(text, forms);
    }

    /**
     * A receiver's answer (its body, headers, an error it caused) with the secrets masked, also as
     * a receiver that echoes the request may have written them back; longer to search, so what
     * Herald wrote itself goes through {@link #mask}.
     */
    public String maskAnswer(String text) {
        return masked(text, echoed);
    }

    private static String masked(String text, List<String> forms) {
        if (text == null || text.isEmpty()) return text;
        String out = text;
        for (String f : forms) {
            if (out.contains(f)) out = out.replace(f, SecretBox.MASK);
        }
        return out;
    }

    /** As PHP's json_encode writes a string's inside: {@code /} as {@code \/}, non-ASCII as {@code \}{@code uXXXX}. */
    private static String phpEscaped(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '/' -> out.append("\\/");
                default -> {
                    if (c < 0x20 || c > 0x7e) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }
}

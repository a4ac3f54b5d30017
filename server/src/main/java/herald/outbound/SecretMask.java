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
    private final List<String> forms;

    private SecretMask(List<String> forms) {
        this.forms = forms;
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
        for (String s : secrets) {
            if (s == null || s.length() < MIN_LENGTH) continue;
            forms.add(s);
            String json = Json.write(s);
            forms.add(json.substring(1, json.length() - 1));
            forms.add(phpEscaped(s));
            forms.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
            forms.add(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort((a, b) -> b.length() - a.length()); // longest first: one form may contain another
        return new SecretMask(List.copyOf(sorted));
    }

    /** {@code text} with every form of every secret replaced by the mask; null stays null. */
    public String mask(String text) {
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

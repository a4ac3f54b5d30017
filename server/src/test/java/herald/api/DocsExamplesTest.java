package herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.testing.Api;
import herald.testing.Backend;
import herald.testing.TestHerald;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code curl} example in the README and docs/ ({@code ```sh} blocks) runs against a real
 * Herald and succeeds, in the order the pages give them. {@code $KEY} is the admin key, the address
 * is the test's, {@code svc_...} (and {@code sub_...}, {@code src_...}) the id last created of that kind.
 * Deliveries are off and every other host named is pointed at loopback, so nothing leaves this machine.
 */
class DocsExamplesTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"((svc|sub|src|key)_[A-Z0-9]+)\"");
    private static final Pattern HOST = Pattern.compile("//(?!127\\.0\\.0\\.1)[A-Za-z0-9.-]+(:\\d+)?");

    record Curl(String method, String path, Map<String, String> headers, String body, String where) {}

    @Test
    void everyCurlExampleInTheDocsSucceeds() throws IOException {
        List<Curl> examples = new ArrayList<>();
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        for (Path page : pages) examples.addAll(curls(page));
        assertThat(examples).hasSizeGreaterThanOrEqualTo(4);
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            Api api = h.api();
            api.put("/api/v1/settings", Json.object().put("deliveries_enabled", false));
            Map<String, String> last = new HashMap<>();
            // A service for pages whose examples name one they did not create.
            var seed = api.post("/api/v1/services", Json.object().put("name", "docs-seed").put("url", "http://127.0.0.1:1/"));
            remember(seed.text(), last);
            for (Curl c : examples) {
                String body = c.body() == null ? null : substitute(c.body(), last);
                var r = api.send(c.method(), substitute(c.path(), last), body);
                assertThat(r.status()).as("%s: %s %s %s -> %s", c.where(), c.method(), c.path(), body, r.text()).isBetween(200, 299);
                remember(r.text(), last);
            }
        }
    }

    private static void remember(String answer, Map<String, String> last) {
        Matcher m = ID.matcher(answer);
        if (m.find()) last.put(m.group(2), m.group(1));
    }

    private static String substitute(String text, Map<String, String> last) {
        String out = text;
        for (var e : last.entrySet()) out = out.replace(e.getKey() + "_...", e.getValue());
        return HOST.matcher(out).replaceAll("//127.0.0.1:1");
    }

    static List<Curl> curls(Path page) throws IOException {
        List<Curl> out = new ArrayList<>();
        Matcher blocks = BLOCK.matcher(Files.readString(page));
        while (blocks.find()) {
            for (List<String> command : commands(blocks.group(1))) {
                if (!command.isEmpty() && command.get(0).equals("curl")) {
                    out.add(parse(command, page.getFileName() + ": " + String.join(" ", command)));
                }
            }
        }
        return out;
    }

    /**
     * A shell script as commands of words: a newline outside quotes ends a command, a backslash
     * before it continues the line; single quotes keep everything (newlines too), double quotes all
     * but the escapes of a backslash, a double quote and a dollar sign.
     */
    static List<List<String>> commands(String script) {
        List<List<String>> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (c == '\\' && i + 1 < script.length() && script.charAt(i + 1) == '\n') {
                i++; // continuation
            } else if (c == '\'') {
                int end = script.indexOf('\'', i + 1);
                w.append(script, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                for (i++; script.charAt(i) != '"'; i++) {
                    if (script.charAt(i) == '\\' && "\"\\$`".indexOf(script.charAt(i + 1)) >= 0) i++;
                    w.append(script.charAt(i));
                }
                inWord = true;
            } else if (c == '#' && !inWord) {
                while (i + 1 < script.length() && script.charAt(i + 1) != '\n') i++; // a comment
            } else if (Character.isWhitespace(c)) {
                if (inWord) words.add(w.toString());
                w.setLength(0);
                inWord = false;
                if (c == '\n') {
                    if (!words.isEmpty()) out.add(words);
                    words = new ArrayList<>();
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) words.add(w.toString());
        if (!words.isEmpty()) out.add(words);
        return out;
    }

    private static Curl parse(List<String> words, String where) {
        String method = null, url = null, body = null;
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            switch (w) {
                case "-X", "--request" -> method = words.get(++i);
                case "-H", "--header" -> {
                    String h = words.get(++i);
                    headers.put(h.substring(0, h.indexOf(':')).trim(), h.substring(h.indexOf(':') + 1).trim());
                }
                case "-d", "--data", "--data-raw" -> body = words.get(++i);
                default -> {
                    if (!w.startsWith("-")) url = w;
                }
            }
        }
        if (method == null) method = body == null ? "GET" : "POST";
        String path = url.replaceFirst("^https?://[^/]+", "");
        return new Curl(method, path, headers, body, where);
    }
}

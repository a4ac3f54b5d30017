package herald.rendering;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import herald.json.JsonPaths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A small Mustache-style template engine for JSON payloads, written here so that it can be bounded:
 * no partials, no delimiter changes, no lambdas, no access to files or classes; output size and
 * work are capped per rendering.
 *
 * <ul>
 * <li>{@code {{path.to.field}}}: looked up in the current section's value, then outwards. Inside a
 *     JSON string of the template (between its quotes) strings are written JSON-escaped without
 *     quotes and null or missing values as nothing; elsewhere (value position) as a complete JSON
 *     value: a quoted string, a number, {@code true}, an object, or {@code null} when missing.</li>
 * <li>{@code {{{path}}}} or {@code {{& path}}}: the text as it is, unescaped.</li>
 * <li>{@code {{#path}}...{{/path}}}: skipped when the value is missing, null, false, "" or an empty
 *     list; repeated for each item of a list; otherwise rendered once inside the value.
 *     {@code {{^path}}...{{/path}}} is the opposite. Inside a list, {@code -first}, {@code -last}
 *     and {@code -index} describe the item ({@code {{^-last}},{{/-last}}} separates items).</li>
 * <li>{@code {{.}}} is the current value; {@code {{! ... }}} a comment.</li>
 * </ul>
 *
 * <p>A text template ({@link #compileText}) has no JSON around its tags: each value is written as
 * its text (a string as it is, other values as JSON, missing ones as nothing), escaped for where
 * it goes (XML for a SOAP envelope, nothing for an AMQP routing key).
 */
public final class Template {
    /** How a text template escapes a value. */
    public enum Escape { XML, NONE }

    public static final int MAX_DEPTH = 32;
    /** A field path's most characters and dotted steps: bounded before any pattern reads it. */
    public static final int MAX_PATH_CHARS = 256;
    public static final int MAX_PATH_STEPS = 32;
    private static final Pattern PATH = Pattern.compile("\\.|-first|-last|-index|[A-Za-z0-9_@$-]+(\\.[A-Za-z0-9_@$-]+)*");

    private sealed interface Node permits Text, Value, Section {}

    private record Text(String text) implements Node {}

    private record Value(String path, boolean raw, boolean inString) implements Node {}

    private record Section(String path, boolean inverted, List<Node> body) implements Node {}

    private final List<Node> nodes;
    private final Escape textEscape; // null: a JSON template

    private Template(List<Node> nodes, Escape textEscape) {
        this.nodes = nodes;
        this.textEscape = textEscape;
    }

    public static Template compile(String source) throws TemplateException {
        return new Parser(source, null).parse();
    }

    /** A template of plain text or XML rather than JSON; values are written escaped by {@code escape}. */
    public static Template compileText(String source, Escape escape) throws TemplateException {
        return new Parser(source, escape).parse();
    }

    /**
     * Renders against {@code root}.
     *
     * @throws RenderException when the output would exceed {@code maxChars} or the work {@code maxSteps}
     */
    public String render(JsonNode root, int maxChars, int maxSteps) throws RenderException {
        return render(root, maxChars, maxSteps, null);
    }

    /** As {@link #render(JsonNode, int, int)}; the paths of value tags that found nothing are added to {@code missing}. */
    public String render(JsonNode root, int maxChars, int maxSteps, java.util.Collection<String> missing) throws RenderException {
        Run r = new Run(maxChars, maxSteps, missing, textEscape);
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(root, -1, 0));
        r.render(nodes, stack);
        return r.out.toString();
    }

    /** One level of context: a value, and where it sits when it is an item of a list. */
    private record Frame(JsonNode value, int index, int size) {}

    private static final class Run {
        final StringBuilder out = new StringBuilder(256);
        final int maxChars;
        final int maxSteps;
        final java.util.Collection<String> missing;
        final Escape textEscape;
        int steps;

        Run(int maxChars, int maxSteps, java.util.Collection<String> missing, Escape textEscape) {
            this.maxChars = maxChars;
            this.maxSteps = maxSteps;
            this.missing = missing;
            this.textEscape = textEscape;
        }

        void render(List<Node> nodes, Deque<Frame> stack) throws RenderException {
            for (Node n : nodes) {
                if (++steps > maxSteps) throw new RenderException("template rendering took more than " + maxSteps + " steps");
                switch (n) {
                    case Text t -> out.append(t.text());
                    case Value v -> value(lookup(v.path(), stack), v);
                    case Section s -> section(s, stack);
                }
                if (out.length() > maxChars) {
                    throw new RenderException("template output is larger than the limit of " + maxChars + " bytes");
                }
            }
        }

        private void section(Section s, Deque<Frame> stack) throws RenderException {
            JsonNode v = lookup(s.path(), stack);
            boolean truthy = v != null && !v.isNull() && !(v.isBoolean() && !v.booleanValue())
                    && !(v.isTextual() && v.textValue().isEmpty()) && !(v.isArray() && v.isEmpty());
            if (s.inverted()) {
                if (!truthy) render(s.body(), stack);
                return;
            }
            if (!truthy) return;
            if (v.isArray()) {
                for (int i = 0; i < v.size(); i++) {
                    stack.push(new Frame(v.get(i), i, v.size()));
                    try {
                        render(s.body(), stack);
                    } finally {
                        stack.pop();
                    }
                }
            } else if (v.isObject() || !s.path().startsWith("-")) {
                stack.push(new Frame(v, -1, 0));
                try {
                    render(s.body(), stack);
                } finally {
                    stack.pop();
                }
            } else {
                render(s.body(), stack); // -first / -last: same context
            }
        }

        private void value(JsonNode v, Value tag) {
            boolean missing = v == null || v.isNull() || v.isMissingNode();
            if (v == null && this.missing != null && this.missing.size() < 100) this.missing.add(tag.path());
            if (tag.raw()) {
                if (!missing) out.append(v.isTextual() ? v.textValue() : Json.write(v));
            } else if (textEscape != null) {
                if (missing) return;
                String text = v.isTextual() ? v.textValue() : v.isValueNode() ? v.asText() : Json.write(v);
                if (textEscape == Escape.XML) XmlWriter.escape(text, out); else out.append(text);
            } else if (tag.inString()) {
                if (missing) return;
                String text = v.isTextual() ? v.textValue() : v.isValueNode() ? v.asText() : Json.write(v);
                String quoted = Json.write(text);
                out.append(quoted, 1, quoted.length() - 1);
            } else {
                out.append(missing ? "null" : Json.write(v));
            }
        }

        private static JsonNode lookup(String path, Deque<Frame> stack) {
            if (path.equals(".")) return stack.peek().value();
            if (path.startsWith("-")) {
                for (Frame f : stack) {
                    if (f.index() < 0) continue;
                    return switch (path) {
                        case "-first" -> Json.MAPPER.getNodeFactory().booleanNode(f.index() == 0);
                        case "-last" -> Json.MAPPER.getNodeFactory().booleanNode(f.index() == f.size() - 1);
                        default -> Json.MAPPER.getNodeFactory().numberNode(f.index());
                    };
                }
                return null;
            }
            int dot = path.indexOf('.');
            String first = dot < 0 ? path : path.substring(0, dot);
            for (Frame f : stack) {
                JsonNode start = step(f.value(), first);
                if (start != null) return dot < 0 ? start : herald.json.JsonPaths.get(start, path.substring(dot + 1));
            }
            return null;
        }

        private static JsonNode step(JsonNode v, String name) {
            if (v == null) return null;
            if (v.isArray()) {
                int index = herald.json.JsonPaths.index(name);
                return index < 0 ? null : v.get(index);
            }
            return v.isObject() ? v.get(name) : null;
        }
    }

    private static final class Parser {
        private final String src;
        private int pos;
        private final Escape textEscape;
        private boolean inString;
        private boolean escaped;

        Parser(String src, Escape textEscape) {
            this.src = src;
            this.textEscape = textEscape;
        }

        private record Open(String path, boolean inverted, List<Node> body, int at) {}

        Template parse() throws TemplateException {
            Deque<Open> open = new ArrayDeque<>();
            List<Node> top = new ArrayList<>();
            List<Node> current = top;
            while (pos < src.length()) {
                int tag = src.indexOf("{{", pos);
                if (tag < 0) tag = src.length();
                if (tag > pos) {
                    String text = src.substring(pos, tag);
                    if (textEscape == null) trackQuotes(text);
                    current.add(new Text(text));
                }
                if (tag == src.length()) break;
                boolean triple = src.startsWith("{{{", tag);
                String close = triple ? "}}}" : "}}";
                int end = src.indexOf(close, tag + close.length());
                if (end < 0) throw error("'" + (triple ? "{{{" : "{{") + "' is never closed with '" + close + "'", tag);
                String inner = src.substring(tag + close.length(), end).strip();
                pos = end + close.length();
                if (inner.isEmpty()) throw error("empty tag", tag);
                char sigil = triple ? '&' : inner.charAt(0);
                String name = "#^/&!".indexOf(sigil) >= 0 && !triple ? inner.substring(1).strip() : inner;
                switch (sigil) {
                    case '!' -> { }
                    case '>' -> throw error("partials ({{> name}}) are not supported", tag);
                    case '=' -> throw error("delimiter changes ({{=...=}}) are not supported", tag);
                    case '{', '}' -> throw error("unbalanced braces in tag", tag);
                    case '#', '^' -> {
                        checkPath(name, tag);
                        if (open.size() >= MAX_DEPTH) throw error("sections nest deeper than " + MAX_DEPTH, tag);
                        Open o = new Open(name, sigil == '^', new ArrayList<>(), tag);
                        current.add(new Section(o.path(), o.inverted(), o.body()));
                        open.push(o);
                        current = o.body();
                    }
                    case '/' -> {
                        if (open.isEmpty()) throw error("'{{/" + name + "}}' closes no open section", tag);
                        Open o = open.pop();
                        if (!o.path().equals(name)) {
                            throw error("'{{/" + name + "}}' does not close '{{" + (o.inverted() ? "^" : "#") + o.path()
                                    + "}}' opened at " + position(o.at()), tag);
                        }
                        current = open.isEmpty() ? top : open.peek().body();
                    }
                    default -> {
                        checkPath(name, tag);
                        current.add(new Value(name, sigil == '&', inString));
                    }
                }
            }
            if (!open.isEmpty()) {
                Open o = open.peek();
                throw error("section '{{" + (o.inverted() ? "^" : "#") + o.path() + "}}' is never closed", o.at());
            }
            return new Template(List.copyOf(top), textEscape);
        }

        /** Follows the template's own JSON text so a tag knows whether it stands inside a string. */
        private void trackQuotes(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (escaped) escaped = false;
                else if (inString && c == '\\') escaped = true;
                else if (c == '"') inString = !inString;
            }
        }

        private void checkPath(String name, int at) throws TemplateException {
            if (name.length() > MAX_PATH_CHARS) {
                throw error("a field path may have at most " + MAX_PATH_CHARS + " characters", at);
            }
            if (name.chars().filter(c -> c == '.').count() >= MAX_PATH_STEPS) {
                throw error("a field path may have at most " + MAX_PATH_STEPS + " steps", at);
            }
            if (!PATH.matcher(name).matches()) {
                throw error("'" + name + "' is not a field path (names of letters, digits, _ and -, joined by dots)", at);
            }
        }

        private String position(int at) {
            int[] lc = lineColumn(at);
            return "line " + lc[0] + ", column " + lc[1];
        }

        private TemplateException error(String message, int at) {
            int[] lc = lineColumn(at);
            return new TemplateException(message, lc[0], lc[1]);
        }

        private int[] lineColumn(int at) {
            int line = 1, col = 1;
            for (int i = 0; i < at; i++) {
                if (src.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            return new int[] {line, col};
        }
    }
}

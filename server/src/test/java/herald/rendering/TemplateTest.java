package herald.rendering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import herald.json.Json;
import org.junit.jupiter.api.Test;

class TemplateTest {
    private static String render(String template, String json) throws Exception {
        return Template.compile(template).render(Json.read(json), 100_000, 100_000);
    }

    @Test
    void valuesAreCompleteJsonOutsideStringsAndEscapedTextInside() throws Exception {
        String out = render("{\"a\": {{s}}, \"b\": \"<{{s}}>\", \"n\": {{n}}, \"t\": {{t}}, \"o\": {{o}}, \"m\": {{missing}}, \"ms\": \"{{missing}}\"}",
                "{\"s\": \"say \\\"hi\\\"\\n\", \"n\": 1.5, \"t\": true, \"o\": {\"x\": [1]}}");
        assertThat(Json.read(out)).isEqualTo(Json.read(
                "{\"a\": \"say \\\"hi\\\"\\n\", \"b\": \"<say \\\"hi\\\"\\n>\", \"n\": 1.5, \"t\": true, \"o\": {\"x\": [1]}, \"m\": null, \"ms\": \"\"}"));
    }

    @Test
    void nestedPathsAndListIndexes() throws Exception {
        assertThat(render("{{other.username}} {{{items.1.name}}}", "{\"other\": {\"username\": \"ana\"}, \"items\": [{}, {\"name\": \"b\"}]}"))
                .isEqualTo("\"ana\" b");
    }

    @Test
    void sectionsRepeatOverListsSkipFalsyValuesAndInvertedSectionsDoTheOpposite() throws Exception {
        String t = "[{{#items}}{{id}}{{^-last}},{{/-last}}{{/items}}]{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}{{#obj}}{{k}}{{/obj}}";
        assertThat(render(t, "{\"items\": [{\"id\": 1}, {\"id\": 2}, {\"id\": 3}], \"flag\": false, \"obj\": {\"k\": 7}}"))
                .isEqualTo("[1,2,3]no7");
        assertThat(render(t, "{\"items\": [], \"flag\": true}")).isEqualTo("[]yes");
    }

    @Test
    void namesAreLookedUpOutwardsFromTheCurrentSection() throws Exception {
        assertThat(render("{{#user}}{{name}}@{{host}}{{/user}}", "{\"host\": \"lms\", \"user\": {\"name\": \"ana\"}}"))
                .isEqualTo("\"ana\"@\"lms\"");
    }

    @Test
    void syntaxErrorsNameLineAndColumn() {
        assertThatThrownBy(() -> Template.compile("{\n  \"a\": {{#x}}1\n}"))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(8);
                    assertThat(e.reason()).contains("never closed");
                });
        assertThatThrownBy(() -> Template.compile("ok\n{{#a}}{{/b}}"))
                .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(new int[] {e.line(), e.column()}).containsExactly(2, 7));
        assertThatThrownBy(() -> Template.compile("{{> partial}}")).hasMessageContaining("partials");
        assertThatThrownBy(() -> Template.compile("{{a b}}")).hasMessageContaining("not a field path");
        assertThatThrownBy(() -> Template.compile("x {{name")).hasMessageContaining("never closed");
    }

    @Test
    void renderingIsBoundedInOutputAndWork() throws Exception {
        Template t = Template.compile("{{#a}}{{#a}}{{#a}}{{.}}{{/a}}{{/a}}{{/a}}");
        var list = Json.MAPPER.createArrayNode();
        for (int i = 0; i < 200; i++) list.add("0123456789");
        var doc = Json.object().set("a", list);
        assertThatThrownBy(() -> t.render(doc, 1_000_000_000, 100_000)).isInstanceOf(RenderException.class)
                .hasMessageContaining("steps");
        assertThatThrownBy(() -> t.render(doc, 5_000, Integer.MAX_VALUE)).isInstanceOf(RenderException.class)
                .hasMessageContaining("larger than the limit of 5000 bytes");
    }
}

package herald.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The attempt log's headers are written by hand over Jackson's string encoder: exactly what the mapper writes for the same map. */
class WriteStringsPropertiesTest {
    @Provide
    Arbitrary<List<String>> texts() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange('\u0000', '\u00ff').withCharRange('\u0100', '\ud7ff')
                .withCharRange('\ue000', '\ufffd').ofMaxLength(20);
        return text.injectNull(0.1).list().ofMaxSize(12);
    }

    @Property(tries = 500)
    void writesAMapAsTheMapperDoes(@ForAll("texts") List<String> texts) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < texts.size(); i += 2) fields.put(texts.get(i) == null ? "k" + i : texts.get(i), texts.get(i + 1));
        assertThat(Json.writeStrings(fields)).isEqualTo(Json.write(fields));
    }
}

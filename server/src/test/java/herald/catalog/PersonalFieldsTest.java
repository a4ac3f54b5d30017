package herald.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The personal fields the editor lists are those docs/privacy.md lists. */
class PersonalFieldsTest {
    @Test
    void everyListedPathIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "privacy.md"));
        for (PersonalFields.Field f : PersonalFields.ALL) assertThat(doc).as(f.path()).contains("`" + f.path() + "`");
    }
}

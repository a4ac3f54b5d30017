package herald.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UrlsTest {

    @Test
    void aPathAddsSegmentsAndQueryBelowTheServiceUrl() {
        assertThat(Urls.join("https://crm.example/hooks", "/moodle")).isEqualTo("https://crm.example/hooks/moodle");
        assertThat(Urls.join("https://crm.example/hooks/", "/moodle")).isEqualTo("https://crm.example/hooks/moodle");
        assertThat(Urls.join("https://crm.example/hooks", "moodle")).isEqualTo("https://crm.example/hooks/moodle");
        assertThat(Urls.join("https://crm.example", "/in?key=1")).isEqualTo("https://crm.example/in?key=1");
        assertThat(Urls.join("https://crm.example/h?a=1", "/in?b=2")).isEqualTo("https://crm.example/h/in?a=1&b=2");
        assertThat(Urls.join("https://crm.example/h", "?b=2")).isEqualTo("https://crm.example/h?b=2");
        assertThat(Urls.join("https://crm.example:8443/h", "")).isEqualTo("https://crm.example:8443/h");
        assertThat(Urls.join("http://127.0.0.1:9/x", "/a%20b")).isEqualTo("http://127.0.0.1:9/x/a%20b");
    }

    @Test
    void aPathCannotNameAnotherHostOrLeaveTheBase() {
        for (String path : new String[] {"@127.0.0.1:9/", "//evil.example/x", "http://evil.example/", "/../admin",
                "/a/%2e%2e/b", "/./x", "/a b", "/a\nb", "/a#frag", "/a\\b", "/%zz", "javascript:alert(1)"}) {
            assertThat(Urls.pathProblem(path)).as(path).isNotNull();
            assertThatThrownBy(() -> Urls.join("https://crm.example/hooks", path)).as(path)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}

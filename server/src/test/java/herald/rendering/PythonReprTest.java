package herald.rendering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.DecimalNode;
import herald.json.Json;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Values in underscore forms as Python 3 prints them; the expected strings are CPython's own output. */
class PythonReprTest {

    @Test
    void floatsAreWrittenAsPythonsRepr() {
        double[] in = {0.0, 10.0, 1e15, 1e16, 1.5e16, 0.0001, 0.00001, 1.5e-7, 58.25, 123456789.1234, 1e22, -2.5};
        String[] python = {"0.0", "10.0", "1000000000000000.0", "1e+16", "1.5e+16", "0.0001", "1e-05", "1.5e-07",
                "58.25", "123456789.1234", "1e+22", "-2.5"};
        for (int i = 0; i < in.length; i++) {
            assertThat(PythonRepr.of(DecimalNode.valueOf(BigDecimal.valueOf(in[i])))).as("%s", in[i]).isEqualTo(python[i]);
        }
    }

    @Test
    void listsAreWrittenAsPythonsStrOfAList() {
        var list = Json.read("[1, 2.5, \"a'b\", null, true, {\"k\": \"v\\n\"}, \"x\\\"y\", \"q'\\\"\"]");
        assertThat(PythonRepr.of(list)).isEqualTo("[1, 2.5, \"a'b\", None, True, {'k': 'v\\n'}, 'x\"y', 'q\\'\"']");
    }
}

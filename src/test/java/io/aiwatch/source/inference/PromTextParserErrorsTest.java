package io.aiwatch.source.inference;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.source.inference.PromTextParser.Format;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each malformed input is rejected with the offending line and a reason naming the problem. */
class PromTextParserErrorsTest {

    @ParameterizedTest(name = "text {0}")
    @CsvSource(delimiter = '|', textBlock = """
            'a 1\\nb 1.0.0\\n'                                | 2 | invalid value '1.0.0'
            'a 1\\nb 1d\\n'                                   | 2 | invalid value '1d'
            'a 0x10\\n'                                       | 1 | invalid value
            '1abc 1\\n'                                       | 1 | invalid metric name
            'a{x=\"1\",x=\"2\"} 1\\n'                         | 1 | duplicate label x
            'a{x=\"\\t\"} 1\\n'                               | 1 | invalid escape sequence
            'a{x=1} 1\\n'                                     | 1 | expected '\"'
            'a{x=\"1\" y=\"2\"} 1\\n'                         | 1 | expected ',' or '}'
            'a{9x=\"1\"} 1\\n'                                | 1 | invalid label name
            'a\\n'                                            | 1 | expected a space
            'a 1 12.5\\n'                                     | 1 | invalid timestamp
            'a 1 2 3\\n'                                      | 1 | unexpected text after value
            '# TYPE a gauge\\n# TYPE a counter\\n'            | 2 | second TYPE line for a
            '# HELP a x\\n# HELP a y\\n'                      | 2 | second HELP line for a
            'a 1\\n# TYPE a gauge\\n'                         | 2 | TYPE line for a after its samples
            '# TYPE a gaugehistogram\\n'                      | 1 | unknown metric type
            '# TYPE h histogram\\nh_bucket 1\\n'              | 2 | without an le label
            '# TYPE h histogram\\nh_bucket{le=\"x\"} 1\\n'    | 2 | invalid le
            '# TYPE h histogram\\nh 1\\n'                     | 2 | does not fit
            'a 1'                                             | 1 | no trailing newline
            """)
    void rejectsMalformedText(String input, int line, String reason) {
        expect(Format.TEXT_0_0_4, input, line, reason);
    }

    @ParameterizedTest(name = "om {0}")
    @CsvSource(delimiter = '|', textBlock = """
            'a 1\\n'                                                          | 2 | missing # EOF
            'a 1\\n# EOF\\nb 1\\n'                                            | 3 | content after # EOF
            'a 1\\n\\n# EOF\\n'                                               | 2 | empty line
            '# just a comment\\n# EOF\\n'                                     | 1 | unexpected comment line
            'a  1\\n# EOF\\n'                                                 | 1 | invalid value
            '# TYPE a gauge\\na 1\\n# TYPE b gauge\\nb 1\\na 2\\n# EOF\\n'    | 5 | interleaved
            '# TYPE h histogram\\nh_bucket{le=\"1\"} 1\\nh_count 1\\n# EOF\\n' | 3 | no le=\"+Inf\" bucket
            '# TYPE g gauge\\ng 1 # {a=\"b\"} 1\\n# EOF\\n'                   | 2 | exemplar on g
            '# TYPE c counter\\nc 1\\n# EOF\\n'                               | 2 | does not fit
            '# TYPE c counter\\n# UNIT c seconds\\n# EOF\\n'                  | 2 | not a suffix
            '# TYPE c_seconds summary\\n# TYPE c_seconds gauge\\n# EOF\\n'    | 2 | second TYPE
            'a 1\\r\\n# EOF\\n'                                               | 1 | carriage return
            'a{x=\"\\q\"} 1\\n# EOF\\n'                                       | 1 | invalid escape
            """)
    void rejectsMalformedOpenMetrics(String input, int line, String reason) {
        expect(Format.OPENMETRICS_1_0, input, line, reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            'c_total 1 # {trace_id=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"} 1\\n# EOF\\n' | 1 | longer than 128
            """)
    void rejectsOversizedExemplars(String input, int line, String reason) {
        expect(Format.OPENMETRICS_1_0, input, line, reason);
    }

    private static void expect(Format format, String input, int line, String reason) {
        // In the table, \n and \r stand for line ends; every other backslash is literal input.
        String finalText = input.replace("\\n", "\n").replace("\\r", "\r");
        assertThatThrownBy(() -> new PromTextParser(format).parse(finalText))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    Assertions.assertThat(e.reason()).contains(reason);
                    Assertions.assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
                });
    }
}

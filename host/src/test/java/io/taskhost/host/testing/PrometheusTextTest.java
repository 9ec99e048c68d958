package io.taskhost.host.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict exposition reader the endpoint tests rely on: it must accept the format and nothing else. */
class PrometheusTextTest {

    @Test
    void readsNamesLabelsEscapesAndValues() {
        var text = PrometheusText.parse("""
                # HELP jobs_total Jobs done, with a \\\\ and a \\n in the help
                # TYPE jobs_total counter
                jobs_total{kind="a \\"quoted\\" \\\\ back\\nslash",queue="q"} 3.0
                jobs_total{kind="b",queue="q",} 0 1795882089277

                # A comment that is neither HELP nor TYPE.
                # TYPE depth gauge
                depth{} NaN
                # TYPE lag gauge
                lag -Inf
                # TYPE tiny gauge
                tiny 1.5e-7
                """);
        assertEquals("Jobs done, with a \\ and a \n in the help", text.family("jobs_total").help());
        assertEquals(3.0, text.value("jobs_total", Map.of("kind", "a \"quoted\" \\ back\nslash")));
        assertEquals(0.0, text.value("jobs_total", Map.of("kind", "b")));
        assertEquals(3.0, text.sum("jobs_total", Map.of("queue", "q")));
        assertTrue(Double.isNaN(text.value("depth", Map.of())));
        assertEquals(Double.NEGATIVE_INFINITY, text.value("lag", Map.of()));
        assertEquals(1.5e-7, text.value("tiny", Map.of()));
    }

    @Test
    void readsAWholeHistogram() {
        var text = PrometheusText.parse("""
                # HELP wait_seconds Wait
                # TYPE wait_seconds histogram
                wait_seconds_bucket{op="x",le="0.1"} 1
                wait_seconds_bucket{op="x",le="1.0"} 3
                wait_seconds_bucket{op="x",le="+Inf"} 4
                wait_seconds_count{op="x"} 4
                wait_seconds_sum{op="x"} 2.5
                wait_seconds_bucket{op="y",le="0.1"} 0
                wait_seconds_bucket{op="y",le="+Inf"} 0
                wait_seconds_count{op="y"} 0
                wait_seconds_sum{op="y"} 0.0
                """);
        assertEquals(4.0, text.value("wait_seconds_count", Map.of("op", "x")));
        assertEquals(3.0, text.value("wait_seconds_bucket", Map.of("op", "x", "le", "1.0")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "# TYPE a counter\na 1",                                   // no final line feed
            "# TYPE a counter\r\na 1\n",                               // carriage return
            "a 1\n",                                                   // no TYPE
            "# TYPE a counter\n1a 1\n",                                // bad metric name
            "# TYPE a counter\na{1x=\"v\"} 1\n",                       // bad label name
            "# TYPE a counter\na{__x=\"v\"} 1\n",                      // reserved label name
            "# TYPE a counter\na{x=v} 1\n",                            // unquoted label value
            "# TYPE a counter\na{x=\"v} 1\n",                          // unterminated label value
            "# TYPE a counter\na{x=\"\\t\"} 1\n",                      // invalid escape
            "# TYPE a counter\na{x=\"v\" y=\"w\"} 1\n",                // no comma between labels
            "# TYPE a counter\na{x=\"v\",x=\"w\"} 1\n",                // repeated label
            "# TYPE a counter\na{x=\"v\"}1\n",                         // no blank before the value
            "# TYPE a counter\na 1d\n",                                // Java float syntax
            "# TYPE a counter\na Infinity\n",                          // not how the format spells it
            "# TYPE a counter\na 0x10\n",                              // hex
            "# TYPE a counter\na 1 now\n",                             // bad timestamp
            "# TYPE a counter\na 1 \n",                                // trailing blank
            "# TYPE a counter\na -1\n",                                // negative counter
            "# TYPE a counter\na NaN\n",                               // NaN counter
            "# TYPE a counter\na 1\na 2\n",                            // repeated series
            "# TYPE a counter\n# TYPE a gauge\na 1\n",                 // two TYPE lines
            "# TYPE a bogus\na 1\n",                                   // unknown type
            "# HELP a x\\q\n# TYPE a gauge\na 1\n",                    // invalid escape in HELP
            "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n", // family split in two
            "# TYPE a gauge\na 1\n# TYPE b gauge\na 2\n",              // sample outside its group
            "# TYPE a gauge\na 1\n# HELP a late\n",                    // HELP after samples
            "# TYPE a gauge\na_total 1\n",                             // sample of no family declared
            "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 0\n", // not cumulative
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_count 2\nh_sum 0\n", // +Inf != count
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\nh_sum 0\n",                         // no +Inf
            "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",                               // no _sum
            "# TYPE h histogram\nh_bucket{le=\"2\"} 0\nh_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_count 0\nh_sum 0\n",
            "# TYPE h histogram\nh_bucket 1\nh_count 1\nh_sum 0\n",  // bucket without le
            "# TYPE h histogram\nh_bucket{le=\"x\"} 1\nh_count 1\nh_sum 0\n", // le not a number
            "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1.5\nh_count 1.5\nh_sum 0\n", // fractional count
            "# TYPE h histogram\nh 1\n",                               // histogram sample without suffix
    })
    void rejectsWhatBreaksTheFormat(String malformed) {
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(malformed), malformed);
    }

    @Test
    void namesTheOffendingLine() {
        var failure = assertThrows(IllegalArgumentException.class,
                () -> PrometheusText.parse("# TYPE a gauge\na 1\na{x=\"\\q\"} 2\n"));
        assertTrue(failure.getMessage().startsWith("line 3: invalid escape"), failure.getMessage());
    }
}

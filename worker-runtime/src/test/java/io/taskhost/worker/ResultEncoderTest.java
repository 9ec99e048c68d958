package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ResultEncoderTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final ResultEncoder encoder = new ResultEncoder(new NaturalJson(new JsonFactory()), new LazyDatabind());

    public record Receipt(String id, List<Integer> lines) {
    }

    private void assertEncodedAsDatabindEncodesTheTree(Object result) throws Exception {
        assertEquals(mapper.writeValueAsString(mapper.valueToTree(result)), encoder.encode(result),
                String.valueOf(result));
    }

    @Test
    void naturalResultsAreWrittenAsDatabindWritesThem() throws Exception {
        var nested = new LinkedHashMap<String, Object>();
        nested.put("s", "quote\" slash/ \u00e9 \u2028");
        nested.put("n", null);
        nested.put("list", new ArrayList<>(Arrays.asList(1, 3_000_000_000L, new BigInteger("123456789012345678901234567890"),
                2.5, -0.0, Double.NaN, true, null)));
        nested.put("map", new TreeMap<>(Map.of("b", 1, "a", List.of())));
        for (Object result : List.of(nested, "text", 42, 42L, false, 1e300, new HashMap<>(Map.of("k", "v")),
                List.of(), Map.of())) {
            assertEncodedAsDatabindEncodesTheTree(result);
        }
    }

    @Test
    void otherResultsGoThroughDatabind() throws Exception {
        assertEncodedAsDatabindEncodesTheTree(new Receipt("r1", List.of(1, 2)));
        assertEncodedAsDatabindEncodesTheTree(Map.of("when", new Receipt("r2", List.of())));
        assertEncodedAsDatabindEncodesTheTree(new int[] {1, 2});
        assertEncodedAsDatabindEncodesTheTree(1.5f);
    }

    @Test
    void aNullResultHasNoJson() throws Exception {
        assertEquals(null, encoder.encode(null));
    }
}

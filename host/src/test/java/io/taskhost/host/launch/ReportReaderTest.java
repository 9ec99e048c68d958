package io.taskhost.host.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.worker.WorkerReport;
import org.junit.jupiter.api.Test;

/** Whatever a worker sends, the report read is the one databind reads, with the host's mapper. */
class ReportReaderTest {

    private final ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final ReportReader reader = new ReportReader(mapper);

    @Test
    void theReportsTheRuntimeWritesAreReadAsDatabindReadsThem() throws Exception {
        assertSameAsDatabind("{\"passed\":true,\"result\":null,\"error\":null,\"startedAt\":1796193888990,"
                + "\"finishedAt\":1796193888991,\"pid\":4242,\"unrecoverable\":false}");
        assertSameAsDatabind("{\"passed\":true,\"result\":{\"a\":[1,2.5,\"\\u00e9\",null,{\"b\":false}]},\"error\":null,"
                + "\"startedAt\":1,\"finishedAt\":2,\"pid\":3,\"unrecoverable\":false}");
        assertSameAsDatabind("{\"passed\":true,\"result\":\"text\",\"error\":null,\"startedAt\":1,\"finishedAt\":2,"
                + "\"pid\":3,\"unrecoverable\":false}");
        assertSameAsDatabind("{\"passed\":false,\"result\":null,\"error\":{\"type\":\"java.lang.IllegalStateException\","
                + "\"message\":null,\"stackTrace\":\"at x\\n\\tat y\"},\"startedAt\":1,\"finishedAt\":2,\"pid\":3,"
                + "\"unrecoverable\":true}");
    }

    @Test
    void reportsOfAnotherFormAreReadAsDatabindReadsThem() throws Exception {
        assertSameAsDatabind("{}");
        assertSameAsDatabind("{\"passed\":\"true\",\"startedAt\":\"5\",\"pid\":1.5}");
        assertSameAsDatabind("{\"passed\":null,\"extra\":{\"x\":1},\"pid\":7}");
        assertSameAsDatabind("{\"pid\":1,\"pid\":2,\"passed\":true,\"passed\":false}");
        assertSameAsDatabind("{\"error\":{\"type\":\"T\",\"code\":3},\"passed\":false}");
        assertSameAsDatabind("{\"error\":{},\"passed\":false}");
        assertSameAsDatabind("{\"passed\":true} trailing");
        assertSameAsDatabind("{\"startedAt\":99999999999999999999999}");
    }

    @Test
    void aReportDatabindCannotReadIsNotReadEither() {
        assertThrows(JsonProcessingException.class, () -> reader.read("{\"passed\":true,"));
        assertThrows(JsonProcessingException.class, () -> reader.read("[1]"));
        assertThrows(JsonProcessingException.class, () -> reader.read("{\"error\":\"boom\"}"));
    }

    private void assertSameAsDatabind(String json) throws Exception {
        WorkerReport expected;
        try {
            expected = mapper.readValue(json, WorkerReport.class);
        } catch (JsonProcessingException e) {
            assertThrows(JsonProcessingException.class, () -> reader.read(json), json);
            return;
        }
        assertEquals(expected, reader.read(json), json);
    }
}

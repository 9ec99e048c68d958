package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssignmentReaderTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final AssignmentReader reader = new AssignmentReader(new JsonFactory());

    private Assignment read(String line) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return reader.read(bytes, bytes.length);
    }

    @Test
    void readsWhatTheHostWrites() throws Exception {
        var sent = new TaskAssignment("t1", 2, "Mailer", "send", "x.Mailer", "_task_send",
                mapper.readTree("{\"to\":\"ada@example.org\"}"), 1_700_000_000_000L, "marker");
        Assignment read = read(mapper.writeValueAsString(sent));
        assertEquals(new Assignment("t1", 2, "Mailer", "send", "x.Mailer", "_task_send",
                "{\"to\":\"ada@example.org\"}", 1_700_000_000_000L, "marker"), read);
    }

    @Test
    void paramsTextIsWhatTheJsonTreeWouldPrint() throws Exception {
        for (String params : List.of("[]", "null", "{ \"a\" : \"b\\/c\", \"u\":\"\\u00e9\\n\" }", "[1, 2.50, -3e2]",
                "{\"big\":123456789012345678901234567890,\"o\":{\"p\":[true,false,null]}}", "\"text\"")) {
            String line = "{\"params\":" + params + ",\"reportMarker\":\"m\"}";
            assertEquals(mapper.readTree(params).toString(), read(line).paramsJson(), params);
        }
    }

    @Test
    void unknownFieldsAreSkippedAndMissingOnesAreEmpty() throws Exception {
        Assignment read = read("{\"extra\":{\"deep\":[1,{\"x\":2}]},\"method\":\"_task_a\",\"attempt\":null,"
                + "\"deadlineEpochMillis\":null}");
        assertEquals("_task_a", read.method());
        assertEquals(0, read.attempt());
        assertNull(read.paramsJson());
        assertNull(read.deadlineEpochMillis());
        assertNull(read.taskId());
    }

    @Test
    void aLineThatIsNotAnObjectIsRefused() {
        assertThrows(IOException.class, () -> read("[1,2]"));
        assertThrows(IOException.class, () -> read("{\"taskId\":"));
    }
}

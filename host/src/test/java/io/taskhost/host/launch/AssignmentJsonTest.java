package io.taskhost.host.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.worker.TaskAssignment;
import org.junit.jupiter.api.Test;

/** The wire protocol is unchanged: the generator writes the bytes databind wrote. */
class AssignmentJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final AssignmentJson json = new AssignmentJson(mapper);

    @Test
    void anAssignmentIsTheLineDatabindWrites() throws Exception {
        assertSameAsDatabind(new TaskAssignment("c3d9c98c-92f5", 2, "Mail", "send", "mail.MailTasks", "_task_send",
                mapper.readTree("{\"to\":\"a\\u00e9\\n\\ud83d\\ude00\",\"n\":[1,2.5,null,true],\"big\":12345678901234567890}"),
                1_796_193_888_990L, "marker-1"));
    }

    @Test
    void nullsAreWrittenAsNullsAsDatabindWritesThem() throws Exception {
        assertSameAsDatabind(new TaskAssignment(null, 0, null, null, null, null, null, null, null));
        assertSameAsDatabind(new TaskAssignment("t", 1, "C", "w", "j.C", "_task_w", mapper.readTree("[]"), null, "m"));
        assertSameAsDatabind(new TaskAssignment("t", 1, "C\u0001\"", "w", "j.C", "_task_w", mapper.readTree("\"s\""), 0L,
                "m"));
    }

    private void assertSameAsDatabind(TaskAssignment assignment) throws Exception {
        assertArrayEquals(mapper.writeValueAsBytes(assignment), json.of(assignment));
    }
}

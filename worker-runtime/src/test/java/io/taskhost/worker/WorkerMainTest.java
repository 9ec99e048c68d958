package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.api.TaskWorker;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerMainTest {

    private final ObjectMapper mapper = new ObjectMapper();

    public static class Calculator implements TaskWorker {
        public int _task_add(Map<String, Integer> params) {
            return params.get("a") + params.get("b");
        }

        public void _task_divide_by_zero() {
            System.out.println(1 / 0);
        }
    }

    /** Runs the task as a worker JVM gets it: the host's JSON line. */
    private String run(TaskAssignment assignment) throws Exception {
        var out = new ByteArrayOutputStream();
        WorkerMain.of(new JsonFactory(), getClass().getClassLoader(), out, ProcessIds.ofThisPlatform()).run(mapper.writeValueAsBytes(assignment));
        return out.toString(StandardCharsets.UTF_8);
    }

    private WorkerReport run(String method, String params) throws Exception {
        var assignment = new TaskAssignment("t1", 1, "Calculator", method.substring(6), Calculator.class.getName(),
                method, params == null ? null : mapper.readTree(params), null, "marker");
        String reportLine = run(assignment).lines().filter(l -> !l.isEmpty()).findFirst().orElseThrow();
        return mapper.readValue(WorkerProtocol.reportJson("marker", reportLine).orElseThrow(), WorkerReport.class);
    }

    @Test
    void aReturnedValueIsReportedAsTheResult() throws Exception {
        WorkerReport report = run("_task_add", "{\"a\":2,\"b\":3}");
        assertTrue(report.passed());
        assertEquals(5, report.result().asInt());
        assertEquals(ProcessHandle.current().pid(), report.pid());
    }

    @Test
    void anExceptionIsReportedWithItsTypeMessageAndTrace() throws Exception {
        WorkerReport report = run("_task_divide_by_zero", null);
        assertFalse(report.passed());
        assertEquals("java.lang.ArithmeticException", report.error().type());
        assertEquals("/ by zero", report.error().message());
        assertTrue(report.error().stackTrace().contains("_task_divide_by_zero"));
    }

    @Test
    void aClassThatIsNotATaskWorkerIsRefused() throws Exception {
        var assignment = new TaskAssignment("t1", 1, "Runtime", "exec", "java.lang.Runtime", "exec", null, null, "m");
        assertTrue(run(assignment).contains("is not a TaskWorker"));
    }

    @Test
    void theArgumentsTheProtocolWritesAreTheOnesTheWorkerReads() {
        assertEquals(new WorkerOptions(false, List.of(), 1, 0), WorkerOptions.parse(new String[0]));
        assertEquals(new WorkerOptions(true, List.of(), 4, 0),
                WorkerOptions.parse(WorkerProtocol.arguments(true, 4).toArray(String[]::new)));
        assertEquals(new WorkerOptions(true, List.of("a.B", "c.D"), 1, 0),
                WorkerOptions.parse(WorkerProtocol.arguments(true, List.of("a.B", "c.D"), 1).toArray(String[]::new)));
        assertEquals(new WorkerOptions(false, List.of(), 3, 0),
                WorkerOptions.parse(WorkerProtocol.arguments(false, List.of("a.B"), 3).toArray(String[]::new)));
        assertEquals(new WorkerOptions(false, List.of(), 1, 4242),
                WorkerOptions.parse(WorkerProtocol.arguments(false, List.of(), 1, 4242).toArray(String[]::new)));
    }
}

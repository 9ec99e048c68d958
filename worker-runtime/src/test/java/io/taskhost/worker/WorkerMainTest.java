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

    /** Counts the calls on each instance: a task that finds a count above one ran on a used instance. */
    public static class Counter implements TaskWorker {
        private int calls;

        public int _task_count() {
            return ++calls;
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
    void aReusedWorkerRunsEveryTaskOnAFreshInstanceOfItsClass() throws Exception {
        var out = new ByteArrayOutputStream();
        var worker = WorkerMain.of(new JsonFactory(), getClass().getClassLoader(), out, ProcessIds.ofThisPlatform());
        for (int i = 0; i < 3; i++) {
            worker.run(mapper.writeValueAsBytes(new TaskAssignment("t" + i, 1, "Counter", "count",
                    Counter.class.getName(), "_task_count", null, null, "m" + i)));
        }

        for (int i = 0; i < 3; i++) {
            assertEquals(1, report(out, "m" + i).result().asInt(), "task " + i);
        }
    }

    @Test
    void aReusedWorkerRunsEachTasksOwnOperationAndFailsAMissingOneEveryTime() throws Exception {
        var out = new ByteArrayOutputStream();
        var worker = WorkerMain.of(new JsonFactory(), getClass().getClassLoader(), out, ProcessIds.ofThisPlatform());
        String[] methods = {"_task_add", "_task_missing", "_task_divide_by_zero", "_task_missing", "_task_add"};
        for (int i = 0; i < methods.length; i++) {
            worker.run(mapper.writeValueAsBytes(new TaskAssignment("t" + i, 1, "Calculator", methods[i].substring(6),
                    Calculator.class.getName(), methods[i], mapper.readTree("{\"a\":2,\"b\":" + i + "}"), null,
                    "m" + i)));
        }

        assertEquals(2, report(out, "m0").result().asInt());
        assertEquals("java.lang.NoSuchMethodException", report(out, "m1").error().type());
        assertEquals("java.lang.ArithmeticException", report(out, "m2").error().type());
        assertEquals("java.lang.NoSuchMethodException", report(out, "m3").error().type());
        assertEquals(6, report(out, "m4").result().asInt());
    }

    private WorkerReport report(ByteArrayOutputStream out, String marker) throws Exception {
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            var json = WorkerProtocol.reportJson(marker, line);
            if (json.isPresent()) {
                return mapper.readValue(json.get(), WorkerReport.class);
            }
        }
        throw new AssertionError("no report for " + marker);
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
